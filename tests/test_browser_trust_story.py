"""The trust story in real headless Chromium, end to end: a member withdraws in time, the
leader goes on, the others meet, the leader marks a no-show (asked first), the member appeals,
an admin reads both sides and the chat and revokes, and the member's standing is back."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from playwright.sync_api import expect

from chat.services import MessageDraft, chat_messages_send
from notifications.models import Notification
from parties.models import Membership, Party, PartyStatus
from parties.services import party_join
from penalties.models import AppealStatus, Penalty, PenaltyAppeal
from tests.browser import log_in, no_tiles
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdraw_meet_mark_appeal_revoke(browser_page, second_page, live_server):
    base = live_server.url
    party = make_party(capacity=4, title="생수 2L 24병 나눠요")
    leader = party.leader
    leaving = UserFactory(nickname="빠질이웃")
    came = UserFactory(nickname="온이웃")
    late = UserFactory(nickname="늦은이웃")
    with TestCase.captureOnCommitCallbacks(execute=True):
        for user in (leaving, came, late):
            party_join(party_id=party.id, user=user)
        chat_messages_send(
            drafts=[MessageDraft(party_id=party.id, user=late, content="5분 뒤 도착해요")]
        )
    assert Party.objects.get(pk=party.pk).status == PartyStatus.CLOSED

    # 1. A member withdraws in time, with a reason; the page asks first.
    member_page = second_page
    log_in(member_page, base, leaving)
    member_page.goto(f"{base}/parties/{party.id}/")
    withdraw = member_page.get_by_test_id("withdraw")
    withdraw.locator("summary").click()
    withdraw.get_by_test_id("withdraw-reason").fill("아이가 아파서 못 가요")
    withdraw.get_by_test_id("withdraw-submit").click()
    dialog = member_page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("이 파티에서 빠질까요?")
    dialog.get_by_test_id("confirm-dialog-yes").click()
    expect(member_page.get_by_text("파티에서 빠졌어요")).to_be_visible()
    assert Membership.objects.get(party=party, user=leaving).withdrawn_at is not None

    # 2. The leader sees who withdrew and why, and goes on (the party stays closed).
    page = browser_page
    log_in(page, base, leader)
    page.goto(f"{base}/parties/{party.id}/")
    expect(page.get_by_test_id("party-withdrawals")).to_contain_text("아이가 아파서 못 가요")
    expect(page.get_by_test_id("party-status")).to_have_text("모집 마감")
    assert Notification.objects.filter(type="party.withdrawn", user=leader).exists()

    # 3. The others meet; an hour later the leader marks the one who did not come.
    met = timezone.now() - timedelta(hours=1)
    Party.objects.filter(pk=party.pk).update(meet_at=met, recruit_until=met - timedelta(days=1))
    page.goto(f"{base}/parties/{party.id}/")
    checklist = page.get_by_test_id("attendance")
    expect(checklist.get_by_test_id("attendance-row")).to_have_count(2)  # not who withdrew
    checklist.get_by_test_id(f"absent-{late.id}").check()
    checklist.get_by_test_id("attendance-submit").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-dialog-yes").click()
    expect(page.get_by_text("1명에게 페널티를 줬어요")).to_be_visible()
    penalty = Penalty.objects.get()
    assert penalty.user_id == late.id

    # 4. The member appeals from their penalties page.
    member_page.context.clear_cookies()
    log_in(member_page, base, late)
    member_page.goto(f"{base}/accounts/users/{late.id}/")
    expect(member_page.get_by_test_id("trust-noshow")).to_have_text("노쇼 1회(90일)")
    member_page.goto(f"{base}/penalties/mine/")
    row = member_page.get_by_test_id(f"penalty-{penalty.id}")
    row.get_by_test_id("appeal-open").click()
    row.get_by_label("무슨 일이 있었는지").fill("5분 늦는다고 채팅에 남기고 도착했어요")
    row.get_by_role("button", name="이의 신청").click()
    expect(member_page.get_by_text("이의 신청을 받았어요")).to_be_visible()
    expect(member_page.get_by_test_id("appeal-status")).to_contain_text("검토 중")

    # 5. An admin reads both sides and the chat, and revokes.
    admin = UserFactory(nickname="관리자", is_staff=True, is_superuser=True)
    page.context.clear_cookies()
    no_tiles(page)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{base}/admin/penalties/penaltyappeal/")
    page.get_by_role("link", name=str(PenaltyAppeal.objects.get().pk), exact=True).click()
    expect(page.get_by_test_id("chat-transcript")).to_contain_text("5분 뒤 도착해요")
    expect(page.locator("body")).to_contain_text("5분 늦는다고 채팅에 남기고 도착했어요")
    page.fill("#decision_note", "채팅에 미리 알린 기록이 있어요")
    page.locator("input[name=_revoke]").click()
    expect(page.locator(".messagelist")).to_contain_text("1건의 페널티를 취소했어요")
    assert PenaltyAppeal.objects.get().status == AppealStatus.REVOKED

    # 6. The member's standing is back, and both sides were told.
    member_page.goto(f"{base}/accounts/users/{late.id}/")
    expect(member_page.get_by_test_id("profile-penalties")).to_have_text("0회")
    expect(member_page.get_by_test_id("trust-noshow")).to_have_count(0)
    member_page.goto(f"{base}/penalties/mine/")
    expect(member_page.get_by_test_id("appeal-status")).to_contain_text("취소")
    expect(member_page.get_by_test_id("appeal-status")).to_contain_text("채팅에 미리 알린 기록")
    told = set(
        Notification.objects.filter(type="penalty.appeal_revoked").values_list("user_id", flat=True)
    )
    assert told == {late.id, leader.id}
