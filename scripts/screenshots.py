"""Screenshots of the main pages, as a resident sees them, at desktop and phone widths.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:8000)
Needs a running site with demo data (`make run`) and Debian's /usr/bin/chromium.
Writes docs/screenshots/<page>-<desktop|phone>.png.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = [
    ("home", "/"),
    ("markets", "/markets/?near=home"),
    ("items", "/items/?q=사과"),
    ("me", "/accounts/me/"),
]
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


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
            page.goto(BASE + "/accounts/login/")
            page.fill("input[name=username]", "demo1@gonggu.kr")
            page.fill("input[name=password]", "gonggu-demo-1234")
            page.click("form[data-testid=login-form] button[type=submit]")
            for name, path in PAGES:
                page.goto(BASE + path)
                page.screenshot(path=str(OUT / f"{name}-{size_name}.png"))
                print(OUT / f"{name}-{size_name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
