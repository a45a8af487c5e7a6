"""`make run` (development mode, no DJANGO_DEBUG) answers a missing page with the app's own
404 page, not Django's technical page listing every URL pattern; a developer opts in to
Django's debug pages with DJANGO_DEBUG=True."""

import json

from tests.test_settings import run_python

MISSING_PAGE = """
import json
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/no-such-page/")
print(json.dumps({"status": response.status_code, "html": response.content.decode()}))
"""


def request_missing_page(tmp_path, **env_vars: str) -> dict:
    # Exactly what `make run` exports on a fresh machine: development mode, embedded backends.
    result = run_python(
        MISSING_PAGE,
        DJANGO_DEV_MODE="1",
        DJANGO_DEV_SECRET_FILE=str(tmp_path / "secret"),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        **env_vars,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_shows_the_apps_own_404_page(tmp_path):
    page = request_missing_page(tmp_path)
    assert page["status"] == 404
    assert "<title>페이지를 찾을 수 없어요" in page["html"]
    assert "홈으로" in page["html"]
    assert "URLconf" not in page["html"] and "config.urls" not in page["html"]


def test_developers_opt_in_to_djangos_debug_pages(tmp_path):
    page = request_missing_page(tmp_path, DJANGO_DEBUG="True")
    assert page["status"] == 404
    assert "URLconf" in page["html"]
