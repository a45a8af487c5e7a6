"""Content-Security-Policy in real Chromium: every main page loads and works (map, chat over
the WebSocket, live notifications over SSE, the item search, Swagger UI, the admin) with not
one policy violation; and an injected inline script does not run."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from parties.services import party_close, party_join
from tests.browser import log_in, no_tiles
from tests.factories import DEFAULT_PASSWORD, ItemFactory, MarketFactory, UserFactory, make_party
from tests.test_browser_chat import SERVER_HASHERS, off_the_event_loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def neighbourhood(transactional_db):
    resident = UserFactory(nickname="정책검사", lat=37.5485, lng=126.9136, is_staff=True)
    resident.is_superuser = True
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        resident.set_password(DEFAULT_PASSWORD)
        resident.save()
    market = MarketFactory(name="정책마트", lat=37.5560, lng=126.9010)
    item = ItemFactory(name="정책 사과 5kg")

    def open_party():
        party = make_party(leader=resident, market=market, item=item, capacity=3)
        party_join(party_id=party.id, user=UserFactory())
        party_close(party_id=party.id, user=resident)
        make_party(market=market, item=item, title="모집 중인 정책 파티")  # on the map
        return party

    party = off_the_event_loop(open_party)
    return {"resident": resident, "market": market, "party": party}


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_every_main_page_works_without_a_policy_violation(browser_page, server, neighbourhood):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    no_tiles(page)
    base = server.http
    log_in(page, base, neighbourhood["resident"])
    assert violations(page) == []

    party = neighbourhood["party"]
    market = neighbourhood["market"]
    visits = [
        (
            "/",
            lambda: expect(page.locator("#nearby-map .leaflet-marker-icon").first).to_be_visible(),
        ),
        (
            f"/parties/{party.pk}/",
            lambda: expect(page.get_by_test_id("chat-status")).to_have_text("연결됨"),
        ),
        ("/parties/new/", None),
        ("/items/?q=사과", None),
        ("/markets/", None),
        (
            f"/markets/{market.pk}/",
            lambda: expect(page.locator(".leaflet-container")).to_be_visible(),
        ),
        ("/notifications/", None),
        ("/notifications/favorites/", None),
        ("/penalties/mine/", None),
        ("/accounts/me/", None),
        ("/accounts/password/", None),
        ("/api/docs/", lambda: expect(page.locator(".swagger-ui .info")).to_be_visible()),
        ("/admin/", lambda: expect(page.locator("#site-name")).to_be_visible()),
        ("/nope/", None),
    ]
    for path, works in visits:
        page.goto(base + path)
        if works:
            works()
        assert violations(page) == [], path

    # The create form's item search (fetch to the API) still works under the policy.
    page.goto(base + "/parties/new/")
    expect(page.get_by_test_id("party-create-form")).to_have_attribute("data-ready", "true")
    page.get_by_role("combobox", name="품목").fill("정책")
    options = page.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(options).to_have_count(1, timeout=20_000)
    assert violations(page) == []


def test_an_injected_inline_script_does_not_run(browser_page, server, neighbourhood):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    no_tiles(page)
    page.goto(server.http + "/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__injected = true";
          document.body.appendChild(s);
        }"""
    )
    assert page.evaluate("window.__injected === true") is False
    assert any(v.startswith("script-src") for v in violations(page))
