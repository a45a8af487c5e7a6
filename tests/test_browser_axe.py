"""Accessibility in real Chromium, measured by axe-core (node_modules/axe-core, injected into
each page): every main page a resident uses, signed in where the page needs it, at desktop
and phone widths, has not one axe violation (contrast, names, labels, landmarks, headings...).
``benchmarks/lighthouse.py`` measures the same pages with Lighthouse (docs/benchmarks.md)."""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from notifications.services import favorite_item_add, favorite_market_add
from parties.services import party_close, party_join
from tests.browser import log_in, no_tiles
from tests.factories import DEFAULT_PASSWORD, ItemFactory, MarketFactory, UserFactory, make_party
from tests.test_browser_chat import SERVER_HASHERS, off_the_event_loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def neighbourhood(transactional_db):
    resident = UserFactory(nickname="접근성검사", lat=37.5485, lng=126.9136)
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        resident.set_password(DEFAULT_PASSWORD)
        resident.save()
    market = MarketFactory(name="접근성마트", lat=37.5560, lng=126.9010)
    item = ItemFactory(name="접근성 사과 5kg")

    def fill():
        # A closed party the resident leads (member list, open chat, a notification in the
        # inbox), another one recruiting nearby (map and list), favorites to list.
        party = make_party(leader=resident, market=market, item=item, capacity=4)
        party_join(party_id=party.id, user=UserFactory(nickname="이웃하나"))
        party_close(party_id=party.id, user=resident)
        make_party(market=market, item=item, title="모집 중인 이웃 파티")
        favorite_market_add(user=resident, market_id=market.id)
        favorite_item_add(user=resident, item_id=item.id)
        return party

    party = off_the_event_loop(fill)
    return {"resident": resident, "market": market, "party": party}


def _pages(party, market) -> list[tuple[str, str, bool]]:
    """(name, path, signed in)."""
    return [
        ("home", "/", True),
        ("party", f"/parties/{party.pk}/", True),
        ("new party", "/parties/new/", True),
        ("items", "/items/?q=사과", True),
        ("markets", "/markets/", True),
        ("market", f"/markets/{market.pk}/", True),
        ("my page", "/accounts/me/", True),
        ("notifications", "/notifications/", True),
        ("favorites", "/notifications/favorites/", True),
        ("penalties", "/penalties/mine/", True),
        ("login", "/accounts/login/", False),
        ("signup", "/accounts/signup/", False),
    ]


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol rather than added as a <script>: the pages'
    # Content-Security-Policy (rightly) refuses inline scripts, and is left as it is.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("async () => await axe.run(document)")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def _ready(page, name: str) -> None:
    """What must be on screen before measuring: the page's own content, the map drawn."""
    expect(page.locator("main#main")).to_be_visible()
    if name in {"home", "market"}:
        expect(page.locator(".leaflet-container").first).to_be_visible()
    if name == "party":
        expect(page.get_by_test_id("chat-status")).to_have_text("연결됨")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_main_page_has_no_axe_violation(chromium, server, neighbourhood, viewport):
    context = chromium.new_context(viewport=VIEWPORTS[viewport], locale="ko-KR")
    signed_out = chromium.new_context(viewport=VIEWPORTS[viewport], locale="ko-KR")
    try:
        page, anonymous = context.new_page(), signed_out.new_page()
        for target in (page, anonymous):
            target.set_default_timeout(30_000)
            no_tiles(target)
        log_in(page, server.http, neighbourhood["resident"])

        found = {}
        for name, path, signed_in in _pages(neighbourhood["party"], neighbourhood["market"]):
            visitor = page if signed_in else anonymous
            visitor.goto(server.http + path)
            _ready(visitor, name)
            violations = axe_violations(visitor)
            if violations:
                found[f"{name} ({path})"] = describe(violations)
        assert not found, f"axe violations at {viewport} width:\n" + "\n".join(
            f"- {page_name}:\n{text}" for page_name, text in found.items()
        )
    finally:
        context.close()
        signed_out.close()
