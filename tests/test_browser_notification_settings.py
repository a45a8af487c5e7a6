"""What a resident sees of notifications that respect attention, in headless Chromium against
a real daphne: the join that fills the leader's party arrives as ONE toast and ONE inbox entry
that says why (내 파티); the settings page switches a group off and sets quiet hours, and
keeps them. Embedded mode by default; services mode (Redis, RabbitMQ, a dispatcher) with
RABBITMQ_URL set, as the other live browser tests."""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from notifications.models import Notification, NotificationPreference
from tests.browser import log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_party
from tests.test_browser_notifications import SERVER_HASHERS, server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/gonggu-shots")


def resident(nickname: str):
    user = UserFactory(nickname=nickname, lat=37.5662, lng=126.8950)
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        user.set_password(DEFAULT_PASSWORD)
        user.save(update_fields=["password"])
    return user


def test_a_join_that_fills_the_party_is_one_toast_and_one_inbox_entry(
    browser_page,
    second_page,
    server,  # noqa: F811
):
    leader, joiner = resident("망원동새댁"), resident("막차손님")
    party = make_party(leader=leader, capacity=2, title="휴지 30롤 나눠요")
    leader_page, joiner_page = browser_page, second_page
    log_in(leader_page, server.http, leader)
    log_in(joiner_page, server.http, joiner)
    leader_page.goto(server.http + "/")
    expect(leader_page.locator("[data-toasts]")).to_have_attribute("data-stream", "open")

    joiner_page.goto(f"{server.http}/parties/{party.pk}/")
    joiner_page.locator('button[data-action="join"]').click()  # no confirmation: joining
    expect(joiner_page.get_by_text("파티에 참여했어요.")).to_be_visible()

    # Joined, closed, chat opened: three events, one action, one notification.
    toast = leader_page.get_by_test_id("toast")
    expect(toast.last).to_contain_text("채팅방이 열렸어요")
    expect(toast.last).to_contain_text("막차손님님이 파티에 들어왔어요")
    expect(toast).to_have_count(1)
    expect(leader_page.get_by_test_id("bell-count")).to_have_text("1")
    assert Notification.objects.filter(user=leader).count() == 1
    assert not Notification.objects.filter(user=joiner).exists()  # the actor

    leader_page.goto(server.http + "/notifications/")
    entries = leader_page.get_by_test_id("notification")
    expect(entries).to_have_count(1)
    expect(entries.first.get_by_test_id("notification-reason")).to_have_text("내 파티")
    expect(entries.first.get_by_test_id("notification-message")).to_have_text(
        "막차손님님이 파티에 들어왔어요 · 모집이 마감됐어요 · 채팅방이 열렸어요: 휴지 30롤 나눠요"
    )


def test_settings_switch_a_group_off_and_keep_quiet_hours(
    browser_page,
    server,  # noqa: F811
):
    user = resident("조용한이웃")
    page = browser_page
    log_in(page, server.http, user)
    page.goto(server.http + "/notifications/")
    page.get_by_test_id("inbox-settings").click()
    form = page.get_by_test_id("notification-settings")
    new_parties = form.get_by_label("찜한 마트·품목의 새 파티")
    safety = form.get_by_label("페널티와 신고")
    expect(new_parties).to_be_checked()
    expect(safety).to_be_checked()
    expect(safety).to_be_disabled()  # always told
    new_parties.uncheck()
    form.get_by_label("시작").fill("23:00")
    form.get_by_label("끝").fill("07:30")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "notification-settings-desktop.png"), full_page=True)
    form.get_by_test_id("save-settings").click()
    expect(page.get_by_text("알림 설정을 저장했어요.")).to_be_visible()
    page.reload()
    form = page.get_by_test_id("notification-settings")
    expect(form.get_by_label("찜한 마트·품목의 새 파티")).not_to_be_checked()
    expect(form.get_by_label("내 파티 소식")).to_be_checked()
    expect(form.get_by_label("시작")).to_have_value("23:00")
    saved = NotificationPreference.objects.get(user=user)
    assert saved.muted_types == ["party.created"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "notification-settings-phone.png"), full_page=True)
