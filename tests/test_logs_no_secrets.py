"""No secret reaches a log line, and every request leaves one JSON access line.

Everything a resident does with credentials (signup, login, a Bearer request, a refresh, a
failed login, a page login with a session cookie, a stream and a chat session with
``?token=``) and a catalog import with a secret-looking API key, with every logger at DEBUG:
neither the password, the tokens, the cookies nor the key appear anywhere in the output.
Checked in this process through the real console handler (its filters, the JSON formatter)
and in a real daphne process's output (``LOG_FORMAT=json``), and for Sentry with a fake
Sentry server receiving the events of a real process.
"""

import contextlib
import gzip
import io
import json
import logging
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.test import Client
from rest_framework.test import APIClient

from catalog.services import catalog_import
from chat.tests.stomp_client import RawStomp
from common.logs import json_formatter
from tests import servers
from tests.fakes.public_data import FakePublicData, mafra_rows
from tests.servers import ROOT, daphne, free_port
from tests.sse_client import SseClient
from tests.waiting import wait_for

PASSWORD = "Corr3ct-Horse-Battery"
WRONG_PASSWORD = "Wr0ng-Horse-Battery"
API_KEY = "K3yK3yK3y-0a1b2c3d4e5f60718293a4b5"


@contextlib.contextmanager
def console_output():
    """Everything the configured console handler writes, as JSON, with every logger at
    DEBUG (what an operator would see with LOG_FORMAT=json LOG_LEVEL=DEBUG)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    loggers = [logging.getLogger()] + [
        item
        for item in logging.root.manager.loggerDict.values()
        if isinstance(item, logging.Logger)
    ]
    levels = [logger.level for logger in loggers]
    buffer, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(buffer)
    handler.setFormatter(json_formatter())
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        handler.setFormatter(formatter)
        handler.setStream(previous)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_no_secrets(output: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret and secret not in output, f"a secret ({secret[:6]}...) is in the logs"


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line.get("logger") == "gonggu.access"]


@pytest.mark.django_db
def test_credentials_and_api_keys_never_reach_the_logs(settings):
    settings.MAFRA_API_KEY = API_KEY
    settings.CATALOG_IMPORT_RETRIES = 1
    api = APIClient()
    with console_output() as out, FakePublicData(api_key=API_KEY) as fake:
        email = "logs@example.kr"
        signup = {"email": email, "password": PASSWORD, "nickname": "로그댁"}
        assert api.post("/api/v1/auth/signup", signup, format="json").status_code == 201
        tokens = api.post(
            "/api/v1/auth/token", {"email": email, "password": PASSWORD}, format="json"
        ).json()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        me = api.get("/api/v1/me?access=" + tokens["access"])
        assert me.status_code == 200
        refreshed = api.post(
            "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
        ).json()
        api.credentials()
        failed = api.post(
            "/api/v1/auth/token", {"email": email, "password": WRONG_PASSWORD}, format="json"
        )
        assert failed.status_code == 401

        page = Client()
        page.get("/accounts/login/")
        csrf = page.cookies["csrftoken"].value
        page.post(
            "/accounts/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
        session = page.cookies["sessionid"].value
        assert page.get("/accounts/me/").status_code == 200

        # The public-data APIs take the key in the URL path: a page that fails, one that
        # works, and a server that is not there (urllib3 logs the URL it retries).
        settings.MAFRA_API_URL = fake.url
        fake.mafra, fake.fail_next = mafra_rows(5), 1
        assert catalog_import(source="mafra").status == "succeeded"
        settings.MAFRA_API_URL = f"http://127.0.0.1:{free_port()}"
        assert catalog_import(source="mafra").status == "failed"

    output = out.getvalue()
    secrets = [PASSWORD, WRONG_PASSWORD, API_KEY, session, csrf]
    secrets += [tokens["access"], tokens["refresh"], refreshed["access"], refreshed["refresh"]]
    assert_no_secrets(output, secrets)
    lines = json_lines(output)  # every line is one JSON object
    access = access_lines(lines)
    assert len(access) == 8  # signup, token, me, refresh, failed token, 2 pages and me
    assert all(line["request_id"] and "user_id" in line for line in access)
    user_id = me.json()["id"]
    by_path = {line["path"].split("?")[0]: line for line in access}
    assert by_path["/api/v1/me"]["user_id"] == user_id
    assert by_path["/api/v1/me"]["path"] == "/api/v1/me?access=[REDACTED]"
    assert by_path["/accounts/me/"]["user_id"] == user_id
    assert me["X-Request-ID"] == by_path["/api/v1/me"]["request_id"]
    assert any("catalog import from mafra failed" in line["message"] for line in lines)


def test_a_party_url_puts_the_party_on_the_access_line(auth_client, user):
    with console_output() as out:
        auth_client.get("/api/v1/parties/424242")
    (line,) = access_lines(json_lines(out.getvalue()))
    assert line["party_id"] == 424242 and line["user_id"] == user.pk and line["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_a_real_server_logs_json_access_and_chat_lines_without_secrets():
    env = {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG", "MAFRA_API_KEY": API_KEY}
    with daphne(extra_env=env) as server:
        web = requests.Session()
        email = "daphne-logs@example.kr"
        signup = {"email": email, "password": PASSWORD, "nickname": "데프니댁"}
        assert web.post(f"{server.http}/api/v1/auth/signup", json=signup).status_code == 201
        tokens = web.post(
            f"{server.http}/api/v1/auth/token", json={"email": email, "password": PASSWORD}
        ).json()
        me = web.get(
            f"{server.http}/api/v1/me",
            headers={"Authorization": f"Bearer {tokens['access']}", "X-Request-ID": "lb-req-0001"},
        )
        assert me.status_code == 200 and me.headers["X-Request-ID"] == "lb-req-0001"
        refreshed = web.post(
            f"{server.http}/api/v1/auth/token/refresh", json={"refresh": tokens["refresh"]}
        ).json()
        failed = web.post(
            f"{server.http}/api/v1/auth/token",
            json={"email": email, "password": WRONG_PASSWORD},
        )
        assert failed.status_code == 401
        with SseClient(server.http, query={"token": refreshed["access"]}) as stream:
            assert stream.status == 200
            stream.wait_listening()
        chat = RawStomp(f"{server.ws}?token={refreshed['access']}", origin=server.http)
        assert chat.connect().command == "CONNECTED"
        chat.send("DISCONNECT", {"receipt": "bye"})
        assert chat.receive().command == "RECEIPT"
        chat.ws.close()

        def logged() -> list[dict]:
            return [json.loads(line) for line in server.output().splitlines() if line.strip()]

        def stream_and_session_logged() -> bool:
            loggers = [(line["logger"], line.get("path")) for line in logged()]
            return (
                "gonggu.access",
                "/api/v1/notifications/stream?token=[REDACTED]",
            ) in loggers and (
                "gonggu.chat",
                None,
            ) in loggers

        wait_for(stream_and_session_logged, timeout=15, message=server.output)
        output = server.output()

    secrets = [PASSWORD, WRONG_PASSWORD, API_KEY]
    secrets += [tokens["access"], tokens["refresh"], refreshed["access"], refreshed["refresh"]]
    assert_no_secrets(output, secrets)
    lines = logged()  # every line of the process's output is one JSON object
    access = access_lines(lines)
    assert all(line["request_id"] and "user_id" in line for line in access)
    user_id = me.json()["id"]
    (me_line,) = [line for line in access if line["path"] == "/api/v1/me"]
    assert me_line["request_id"] == "lb-req-0001" and me_line["user_id"] == user_id
    assert me_line["client"] == "127.0.0.1" and me_line["status"] == 200
    (stream_line,) = [line for line in access if line["path"].startswith("/api/v1/notifications")]
    assert stream_line["stream"] is True and stream_line["user_id"] == user_id
    (session,) = [line for line in lines if line["logger"] == "gonggu.chat"]
    assert session["user_id"] == user_id and session["close_reason"] == "client_disconnect"
    assert session["frames_in"] == 2 and session["frames_out"] == 2  # CONNECT, DISCONNECT
    assert session["request_id"]
    assert all(line["timestamp"].endswith("+00:00") for line in lines)


class FakeSentry:
    """Receives Sentry envelopes (``POST /api/<project>/envelope/``), decompressed."""

    def __init__(self) -> None:
        received = self.envelopes = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                received.append((self.path, body.decode("utf-8", "replace")))
                self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# A real process with SENTRY_DSN set: an unhandled error in a view, raised while handling a
# request full of credentials; the process flushes Sentry before it exits.
SENTRY_SCRIPT = """
import os
import django
django.setup()
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path

def broken(request):
    url = "http://openapi.example/" + os.environ["T_KEY"] + "/json/rows"
    password = os.environ["T_PASSWORD"]
    raise RuntimeError("import failed at " + url + " with password=" + password)

urlpatterns = [path("broken/", broken)]
with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"]):
    client = Client(raise_request_exception=False)
    response = client.get(
        "/broken/?token=" + os.environ["T_TOKEN"],
        HTTP_AUTHORIZATION="Bearer " + os.environ["T_TOKEN"],
        HTTP_COOKIE="sessionid=" + os.environ["T_SESSION"],
    )
    assert response.status_code == 500, response.status_code
sentry_sdk.flush(timeout=10)
"""


@pytest.mark.django_db(transaction=True)
def test_sentry_receives_errors_without_secrets():
    sentry = FakeSentry()
    token = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    session = "s3ss10nk3yvalue0123456789abcdef"
    env = {
        **os.environ,
        **servers.test_database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SENTRY_DSN": f"http://publickey0123456789@127.0.0.1:{sentry.port}/42",
        "MAFRA_API_KEY": API_KEY,
        # The request's credentials, and a command line that names one (it is not sent).
        **{"T_KEY": API_KEY, "T_PASSWORD": PASSWORD, "T_TOKEN": token, "T_SESSION": session},
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", SENTRY_SCRIPT, f"--password={PASSWORD}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        wait_for(lambda: sentry.envelopes, timeout=10, message="no event reached Sentry")
    finally:
        sentry.close()
    paths = {path for path, _body in sentry.envelopes}
    assert paths == {"/api/42/envelope/"}
    sent = "\n".join(body for _path, body in sentry.envelopes)
    assert "RuntimeError" in sent and "import failed at" in sent
    assert_no_secrets(sent + result.stderr, [API_KEY, PASSWORD, token, session])
