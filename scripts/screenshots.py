"""Screenshots of the main pages, as a resident sees them, at desktop and phone widths.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:8000)
Needs a running site with demo data (`make run`) and Debian's /usr/bin/chromium. The party
pages need at least one recruiting party near the first demo user's home (create one on the
site, or through the API); without one, the party detail is skipped.
Writes docs/screenshots/<page>-<desktop|phone>.png.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DEMO_LOGIN = ("demo1@gonggu.kr", "gonggu-demo-1234")
# Anonymous visitors see the prompt to choose where to look.
ANONYMOUS_PAGES = [("home", "/")]
# demo1 has a home in 마포구: "/" is the nearby page around it.
PAGES = [
    ("nearby", "/"),
    ("party-create", "/parties/new/"),
    ("my-parties", "/parties/mine/"),
    ("markets", "/markets/?near=home"),
    ("items", "/items/?q=사과"),
    ("me", "/accounts/me/"),
    ("notifications", "/notifications/"),
    ("favorites", "/notifications/favorites/"),
]
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str, size_name: str) -> None:
    # Map tiles are online-only; give them a moment but never wait on them.
    page.wait_for_timeout(600)
    path = OUT / f"{name}-{size_name}.png"
    page.screenshot(path=str(path))
    print(path)


def first_party_path(page) -> str | None:
    """The nearest party to the logged-in user's home, from the API (session auth)."""
    me = page.request.get(BASE + "/api/v1/me").json()
    if me.get("lat") is None:
        return None
    nearby = page.request.get(
        BASE + "/api/v1/parties/nearby",
        params={"lat": me["lat"], "lng": me["lng"], "radius_km": 10},
    ).json()
    results = nearby.get("results") or []
    return f"/parties/{results[0]['id']}/" if results else None


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for size_name, viewport in SIZES.items():
            context = browser.new_context(
                viewport=viewport, is_mobile=size_name == "phone", locale="ko-KR"
            )
            page = context.new_page()
            for name, path in ANONYMOUS_PAGES:
                page.goto(BASE + path)
                shoot(page, name, size_name)
            page.goto(BASE + "/accounts/login/")
            page.fill("input[name=username]", DEMO_LOGIN[0])
            page.fill("input[name=password]", DEMO_LOGIN[1])
            page.click("form[data-testid=login-form] button[type=submit]")
            pages = list(PAGES)
            party_path = first_party_path(page)
            if party_path:
                pages.insert(1, ("party", party_path))
            for name, path in pages:
                page.goto(BASE + path)
                shoot(page, name, size_name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
