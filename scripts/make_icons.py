"""Draw the app icons (static/img/icon-192.png, icon-512.png, icon-maskable-512.png) from the
brand mark: white 공 on the brand orange, rendered by Chromium (Playwright) with the Noto CJK
font, so no image library is needed. Run again only when the mark changes:

    .venv/bin/python scripts/make_icons.py
"""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BRAND = "#ff6f0f"

# "any" icons: a rounded square with the glyph large. "maskable": full-bleed orange with the
# glyph inside the central 80% circle that every launcher mask keeps.
PAGE = """<!doctype html><html><head><style>
html, body {{ margin: 0; background: transparent; }}
.icon {{ width: {size}px; height: {size}px; display: grid; place-items: center;
  background: {brand}; border-radius: {radius}px; color: #fff;
  font: 700 {font}px "Noto Sans CJK KR", "Noto Sans KR", sans-serif; line-height: 1; }}
</style></head><body><div class="icon">공</div></body></html>"""


def main() -> None:
    out = ROOT / "static" / "img"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        for name, size, radius, font in (
            ("icon-192.png", 192, 42, 118),
            ("icon-512.png", 512, 112, 316),
            ("icon-maskable-512.png", 512, 0, 230),
        ):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(PAGE.format(size=size, brand=BRAND, radius=radius, font=font))
            page.locator(".icon").screenshot(path=str(out / name), omit_background=True)
            page.close()
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main()
