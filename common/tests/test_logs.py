import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from common import logs
from common.access import loggable_path, request_id_from
from common.sentry import scrub_event

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.2sYk1C5Ue9gS9w3xFoOu0AOrWUk0aGVPE8TExsp9wEk"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET /api/v1/notifications/stream?token={JWT}", JWT),
        (f'{{"access": "{JWT}", "refresh": "{JWT}"}}', JWT),
        ("Authorization: Bearer abcdef0123456789", "abcdef0123456789"),
        ("Cookie: sessionid=s3ss10n0123456789; csrftoken=csrf0123456789", "s3ss10n0123456789"),
        ("Cookie: sessionid=s3ss10n0123456789; csrftoken=csrf0123456789", "csrf0123456789"),
        ("email=a%40b.kr&password=hunter2-hunter2", "hunter2-hunter2"),
        ('{"email": "a@b.kr", "password": "hunter2 hunter2"}', "hunter2"),
        ("amqp://gonggu:br0ker-pass@mq:5672//", "br0ker-pass"),
        ("https://api.example/items?serviceKey=k3y0123456789&page=2", "k3y0123456789"),
        ("https://0123456789abcdef0123@sentry.example/42", "0123456789abcdef0123"),
    ],
)
def test_credentials_are_redacted_wherever_they_appear(text, secret):
    redacted = logs.redact(text)
    assert secret not in redacted and logs.REDACTED in redacted


def test_configured_keys_are_redacted_even_in_a_url_path(settings):
    settings.MAFRA_API_KEY = "a1b2c3d4e5f6a7b8c9d0"
    text = "GET http://211.237.50.150:7080/openapi/a1b2c3d4e5f6a7b8c9d0/json/Grid/1/1000"
    assert logs.redact(text) == "GET http://211.237.50.150:7080/openapi/[REDACTED]/json/Grid/1/1000"


def test_ordinary_text_and_short_default_keys_are_left_alone(settings):
    settings.MAFRA_API_KEY = "sample"
    text = "catalog import from mafra: 1000 rows, sample page 3, 품목 사과"
    assert logs.redact(text) == text


def test_request_ids_from_outside_are_kept_only_when_sane():
    assert request_id_from("3f2a9c0e5b1d4e6fa7b8c9d0e1f2a3b4") == "3f2a9c0e5b1d4e6fa7b8c9d0e1f2a3b4"
    for bad in (None, "", "short", "has space in it", "x" * 200, "a\nb-injected-line", JWT):
        made = request_id_from(bad)
        assert made != bad and len(made) == 32


def test_query_values_that_may_be_credentials_are_not_logged():
    assert loggable_path("/api/v1/parties/nearby", "q=%EC%82%AC%EA%B3%BC&page=2") == (
        "/api/v1/parties/nearby?q=%EC%82%AC%EA%B3%BC&page=2"
    )
    logged = loggable_path("/ws", f"token={JWT}&access=a&ticket=t&code=c&api_key=k&x=1")
    assert logged == (
        "/ws?token=[REDACTED]&access=[REDACTED]&ticket=[REDACTED]&code=[REDACTED]"
        "&api_key=[REDACTED]&x=1"
    )


def test_a_json_line_has_time_level_logger_message_context_and_extras():
    record = logging.LogRecord(
        "gonggu.test", logging.WARNING, __file__, 1, "hi %s", ("there",), None
    )
    record.size = 3
    with logs.log_context(request_id="req-00000001"):
        logs.bind(user_id=7, party_id=9)
        logs.ContextFilter().filter(record)
    logs.RedactingFilter().filter(record)
    line = json.loads(logs.json_formatter().format(record))
    assert line.pop("timestamp").endswith("+00:00")
    assert line == {
        "level": "WARNING",
        "logger": "gonggu.test",
        "message": "hi there",
        "request_id": "req-00000001",
        "user_id": 7,
        "party_id": 9,
        "size": 3,
    }


def test_a_traceback_is_redacted_too():
    try:
        raise ValueError(f"refused {JWT}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
    logs.RedactingFilter().filter(record)
    line = json.loads(logs.json_formatter().format(record))
    assert "ValueError: refused [REDACTED]" in line["exc_info"] and JWT not in json.dumps(line)


def test_a_task_started_detached_does_not_claim_the_request():
    seen = {}

    async def background():
        seen["fields"] = logs.context_fields()

    async def request():
        with logs.log_context(request_id="req-00000002"):
            inherited = asyncio.get_running_loop().create_task(background())
            await inherited
            seen["inherited"] = seen["fields"]
            detached = asyncio.get_running_loop().create_task(
                background(), context=logs.detached_context()
            )
            await detached

    # A thread of its own: Playwright's sync API (browser tests earlier in the run) leaves an
    # event loop marked running in the main thread, where asyncio.run() refuses to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, request()).result()
    assert seen["inherited"] == {"request_id": "req-00000002"}
    assert seen["fields"] == {}


def test_sentry_events_lose_cookies_credentials_and_secrets():
    event = {
        "request": {
            "url": "http://testserver/api/v1/notifications/stream",
            "query_string": f"token={JWT}&page=1",
            "cookies": {"sessionid": "s3ss10n0123456789"},
            "headers": {"Authorization": f"Bearer {JWT}", "Cookie": "sessionid=s", "Host": "h"},
            "data": {"password": "hunter2-hunter2"},
        },
        "exception": {"values": [{"value": f"failed with {JWT}"}]},
        "breadcrumbs": {"values": [{"message": "GET /x?refresh=abc123456789"}]},
        "extra": {"sys.argv": ["manage.py", "--password=hunter2-hunter2"]},
    }
    scrubbed = json.dumps(scrub_event(event, {}))
    for secret in (JWT, "s3ss10n0123456789", "hunter2-hunter2", "abc123456789"):
        assert secret not in scrubbed
    assert '"Host": "h"' in scrubbed and "page=1" in scrubbed
