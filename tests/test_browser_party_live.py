"""Pages that stay live, in real headless Chromium against a real daphne: the leader watches
their party page while a neighbour joins from theirs, and the member list, the seat counter
and the status change without a reload (and are announced); a visitor's nearby list marks
the party "마감" when it fills; a page whose live stream was cut catches up when it is back."""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from parties.models import Party
from tests.browser import log_in, no_tiles
from tests.factories import DEFAULT_PASSWORD, MarketFactory, UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The daphne process verifies passwords with the project's hashers, not the tests' MD5.
SERVER_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
SHOTS = Path("/tmp/shots_hD")
STREAM = "**/api/v1/parties/live?*"
HERE = (37.5560, 126.9010)


def resident(nickname: str, **fields):
    user = UserFactory(nickname=nickname, **fields)
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        user.set_password(DEFAULT_PASSWORD)
        user.save(update_fields=["password"])
    return user


@pytest.fixture
def party(transactional_db):
    market = MarketFactory(name="월드컵 테스트마트", lat=HERE[0], lng=HERE[1])
    leader = resident("망원새댁")
    return make_party(leader=leader, market=market, capacity=3, title="화장지 30롤 셋이 나눠요")


def join_from_own_page(page, base: str, party) -> None:
    page.goto(f"{base}/parties/{party.pk}/")
    page.get_by_test_id("party-actions").get_by_role("button", name="참여하기").click()
    expect(page.get_by_text("파티에 참여했어요.")).to_be_visible()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_leader_sees_members_and_seats_change_live_as_neighbours_join(
    browser_page, second_page, server, party
):
    leader_page, neighbour_page = browser_page, second_page
    first, second = resident("합정살림꾼"), resident("연남동집사")
    log_in(leader_page, server.http, party.leader)
    leader_page.goto(f"{server.http}/parties/{party.pk}/")
    live = leader_page.get_by_test_id("party-live-status")
    expect(live).to_have_attribute("data-stream", "open")
    expect(live).to_have_attribute("role", "status")
    members = leader_page.get_by_test_id("party-members")
    count = leader_page.get_by_test_id("party-members-count")
    expect(count).to_have_text("1/3명")
    expect(members).not_to_contain_text("합정살림꾼")
    leader_page.evaluate("window.__notReloaded = true")

    # --- a neighbour joins from their own page: the leader's page follows -------------------
    log_in(neighbour_page, server.http, first)
    join_from_own_page(neighbour_page, server.http, party)
    expect(members).to_contain_text("합정살림꾼")
    expect(count).to_have_text("2/3명")
    expect(members.get_by_role("heading")).to_contain_text("2/3")
    expect(live).to_contain_text("합정살림꾼님이 참여했어요.")
    expect(live).to_contain_text("참여 인원 2/3명")
    # The leader can now close early: the actions follow the state too.
    expect(leader_page.get_by_role("button", name="모집 마감")).to_be_visible()
    shoot(leader_page, "party-live-desktop")

    # --- they leave, then think again and come back ------------------------------------------
    neighbour_page.get_by_test_id("party-actions").get_by_role("button", name="나가기").click()
    expect(neighbour_page.get_by_text("파티에서 나갔어요.")).to_be_visible()
    expect(count).to_have_text("1/3명")
    expect(members).not_to_contain_text("합정살림꾼")
    expect(live).to_contain_text("합정살림꾼님이 파티에서 빠졌어요.")
    join_from_own_page(neighbour_page, server.http, party)
    expect(count).to_have_text("2/3명")

    # --- the second fills it: closed, announced, still no reload ----------------------------
    neighbour_page.context.clear_cookies()
    log_in(neighbour_page, server.http, second)
    join_from_own_page(neighbour_page, server.http, party)
    expect(count).to_have_text("3/3명")
    expect(members).to_contain_text("연남동집사")
    expect(leader_page.get_by_test_id("party-status")).to_have_text("모집 마감")
    expect(live).to_contain_text("모집이 마감됐어요.")
    assert leader_page.evaluate("window.__notReloaded") is True
    assert Party.objects.get(pk=party.pk).member_count == 3

    # --- the same page on a phone -------------------------------------------------------------
    leader_page.set_viewport_size({"width": 390, "height": 844})
    shoot(leader_page, "party-live-phone")


def test_a_visitors_nearby_list_marks_a_party_that_fills_while_looking(
    browser_page, second_page, server, party
):
    visitor_page, neighbour_page = browser_page, second_page
    no_tiles(visitor_page)
    visitor_page.set_viewport_size({"width": 390, "height": 844})
    other = make_party(market=party.market, capacity=4, title="생수 넷이 나눠요")
    visitor_page.goto(f"{server.http}/?lat={HERE[0]}&lng={HERE[1]}")
    listing = visitor_page.get_by_test_id("party-list")
    expect(listing).to_have_attribute("data-stream", "open")
    card = listing.locator(f'[data-party-id="{party.pk}"]')
    expect(card.get_by_test_id("party-card-status")).to_have_text("모집 중")
    visitor_page.evaluate("window.__notReloaded = true")

    log_in(neighbour_page, server.http, resident("합정살림꾼"))
    join_from_own_page(neighbour_page, server.http, party)
    expect(card.get_by_test_id("party-members")).to_have_text("2/3명")
    expect(card.get_by_test_id("party-card-status")).to_have_text("모집 중")

    neighbour_page.context.clear_cookies()
    log_in(neighbour_page, server.http, resident("연남동집사"))
    join_from_own_page(neighbour_page, server.http, party)
    expect(card.get_by_test_id("party-card-status")).to_have_text("마감")
    expect(card.get_by_test_id("party-members")).to_have_text("3/3명")
    expect(visitor_page.get_by_test_id("nearby-live-status")).to_have_text(
        "‘화장지 30롤 셋이 나눠요’ 파티의 모집이 마감됐어요."
    )
    # The party still recruiting is left as it was.
    other_card = listing.locator(f'[data-party-id="{other.pk}"]')
    expect(other_card.get_by_test_id("party-card-status")).to_have_text("모집 중")
    assert visitor_page.evaluate("window.__notReloaded") is True
    shoot(visitor_page, "nearby-live-phone")
    visitor_page.set_viewport_size({"width": 1280, "height": 900})
    shoot(visitor_page, "nearby-live-desktop")


def test_a_party_page_whose_stream_was_cut_catches_up_when_it_is_back(
    browser_page, second_page, server, party
):
    visitor_page, neighbour_page = browser_page, second_page
    no_tiles(visitor_page)
    visitor_page.route(STREAM, lambda route: route.abort())  # the live stream is down
    visitor_page.goto(f"{server.http}/parties/{party.pk}/")
    count = visitor_page.get_by_test_id("party-members-count")
    expect(count).to_have_text("1/3명")
    expect(visitor_page.get_by_role("link", name="로그인하고 참여하기")).to_be_visible()
    visitor_page.evaluate("window.__notReloaded = true")

    # Two join and fill it while this page hears nothing.
    for nickname in ("합정살림꾼", "연남동집사"):
        neighbour_page.context.clear_cookies()
        log_in(neighbour_page, server.http, resident(nickname))
        join_from_own_page(neighbour_page, server.http, party)
    expect(count).to_have_text("1/3명")  # not heard yet

    # The stream is back: EventSource reconnects on its own and the page reads the state.
    visitor_page.unroute(STREAM)
    expect(count).to_have_text("3/3명", timeout=30_000)
    members = visitor_page.get_by_test_id("party-members")
    expect(members).to_contain_text("합정살림꾼")
    expect(members).to_contain_text("연남동집사")
    expect(visitor_page.get_by_test_id("party-status")).to_have_text("모집 마감")
    # A visitor can no longer be offered to log in and join a full party.
    expect(visitor_page.get_by_role("link", name="로그인하고 참여하기")).to_have_count(0)
    expect(visitor_page.get_by_test_id("party-actions")).to_contain_text(
        "지금은 참여할 수 없는 파티예요."
    )
    assert visitor_page.evaluate("window.__notReloaded") is True
