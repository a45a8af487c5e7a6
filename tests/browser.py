"""Steps the Chromium tests share."""

import re

from django.conf import settings
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD

# Every request to the tile source (settings.MAP_TILES_URL's origin, any subdomain).
TILES = re.compile("^" + re.escape(settings.MAP_TILE_ORIGIN).replace(r"\*", "[^/]+") + "/")


def no_tiles(target) -> None:
    """Map tiles are the one online resource; the pages must work without them."""
    target.route(TILES, lambda route: route.abort())


def log_in(page, base_url: str, user) -> None:
    """Through the login form (map tiles blocked), until the header shows the user."""
    no_tiles(page)
    page.goto(base_url + "/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("이메일").fill(user.email)
    form.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="로그인").click()
    expect(page.get_by_test_id("current-user")).to_have_text(user.nickname)
