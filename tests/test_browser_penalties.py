"""The leader's "who came?" checklist in real headless Chromium: after the meeting the leader
marks a member who did not come; the member's count and badge show it on their profile."""

import pytest
from playwright.sync_api import expect

from parties.services import party_join
from penalties.models import Penalty
from penalties.tests.conftest import met
from tests.browser import log_in, no_tiles
from tests.factories import UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_marks_a_no_show_and_the_count_shows_on_the_profile(browser_page, live_server):
    party = make_party(capacity=3, title="휴지 30롤 나눠요")
    no_show, came = UserFactory(nickname="안온이웃"), UserFactory(nickname="온이웃")
    party_join(party_id=party.id, user=no_show)
    party_join(party_id=party.id, user=came)
    met(party)
    page = browser_page
    no_tiles(page)
    log_in(page, live_server.url, party.leader)

    page.goto(f"{live_server.url}/parties/{party.id}/")
    checklist = page.get_by_test_id("attendance")
    expect(checklist).to_contain_text("누가 왔나요?")
    expect(checklist.get_by_test_id("attendance-row")).to_have_count(2)  # not the leader
    checklist.get_by_test_id(f"absent-{no_show.id}").check()
    checklist.get_by_test_id("attendance-submit").click()
    dialog = page.get_by_test_id("confirm-dialog")  # asks first
    expect(dialog).to_contain_text("표시한 멤버에게 페널티를 줄까요?")
    assert not Penalty.objects.exists()
    dialog.get_by_test_id("confirm-dialog-yes").click()

    expect(page.get_by_text("1명에게 페널티를 줬어요")).to_be_visible()
    marked = page.get_by_test_id("attendance-marked")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text("약속에 오지 않음")
    penalty = Penalty.objects.get()
    assert (penalty.user_id, penalty.reason, penalty.given_by_id) == (
        no_show.id,
        "no_show",
        party.leader_id,
    )

    page.goto(f"{live_server.url}/accounts/users/{no_show.id}/")
    expect(page.get_by_test_id("profile-penalties")).to_have_text("1회")
    expect(page.get_by_test_id("trust-noshow")).to_have_text("노쇼 1회(90일)")
    page.goto(f"{live_server.url}/accounts/users/{came.id}/")
    expect(page.get_by_test_id("profile-penalties")).to_have_text("0회")
    expect(page.get_by_test_id("trust-noshow")).to_have_count(0)
