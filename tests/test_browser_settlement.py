"""Settling a party in real headless Chromium: the leader bills from the receipt, a member sees
what to send and the 토스 link (its URL carries bank, account and amount), says "보냈어요", the
leader confirms, and the party shows "정산 완료"."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import TestCase
from playwright.sync_api import expect

from parties.services import party_join
from penalties.tests.conftest import met
from settlements.models import Share
from tests.browser import log_in
from tests.factories import UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bill_pay_confirm(browser_page, second_page, live_server):
    base = live_server.url
    party = make_party(capacity=2, total_price=20000, title="키친타월 나눠요")
    member = UserFactory(nickname="나눔이웃")
    with TestCase.captureOnCommitCallbacks(execute=True):
        party_join(party_id=party.id, user=member)
    met(party)

    leader_page, member_page = browser_page, second_page
    log_in(leader_page, base, party.leader)
    leader_page.goto(f"{base}/parties/{party.id}/")
    form = leader_page.get_by_test_id("settlement-bill-form")
    form.get_by_label("영수증 총액").fill("21990")
    form.get_by_label("은행").select_option("kakaobank")
    form.get_by_label("계좌번호").fill("3333-01-1234567")
    form.get_by_label("예금주").fill("김공구")
    form.get_by_test_id("settlement-bill-submit").click()
    expect(leader_page.get_by_text("정산을 요청했어요")).to_be_visible()

    log_in(member_page, base, member)
    member_page.goto(f"{base}/parties/{party.id}/")
    expect(member_page.get_by_test_id("settlement-amount")).to_have_text("10,995원")
    toss = urlparse(member_page.get_by_test_id("settlement-toss").get_attribute("href") or "")
    assert (toss.scheme, toss.netloc) == ("supertoss", "send")
    assert parse_qs(toss.query) == {
        "bank": ["카카오뱅크"],
        "accountNo": ["3333011234567"],
        "amount": ["10995"],
    }
    expect(member_page.get_by_test_id("chat-settlement")).to_contain_text("10,995원")
    member_page.get_by_test_id("settlement-paid").click()
    expect(member_page.get_by_text("보냈다고 파티장에게 알렸어요")).to_be_visible()
    assert Share.objects.get(user=member).status == "paid"

    leader_page.goto(f"{base}/parties/{party.id}/")
    expect(leader_page.get_by_test_id(f"share-{member.id}")).to_contain_text("보냈어요")
    leader_page.get_by_test_id(f"confirm-{member.id}").click()
    expect(leader_page.get_by_test_id("settlement-done")).to_have_text("정산 완료")
    member_page.reload()
    expect(member_page.get_by_test_id("settlement-done")).to_have_text("정산 완료")
