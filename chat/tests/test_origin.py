"""Cross-site WebSocket hijacking: a page of another origin opens /ws with the victim's session
cookie. The handshake must be refused (403) unless the Origin is this site's own (scheme, host
and port) or listed in CSRF_TRUSTED_ORIGINS; clients that send no Origin (native apps, stomp.py)
authenticate with a token and keep working. Against a real daphne process."""

import json

import pytest
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from chat.models import ChatMessage, MessageType
from chat.tests.stomp_client import RawStomp
from tests.servers import daphne

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def handshake_status(url: str, *, origin: str | None, cookie: str) -> int:
    try:
        with connect(
            url,
            origin=origin,
            additional_headers={"Cookie": cookie},
            subprotocols=["v12.stomp"],
            open_timeout=10,
        ):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9999",  # another port on the same host: another site
        "https://{host}",  # the same host and port over another scheme
        "http://localhost:1234",
        "http://evil.example",
        "null",  # a sandboxed frame or a file:// page
    ],
)
def test_a_page_of_another_origin_cannot_open_the_chat_with_the_victims_cookie(
    chat_server, chat_party, origin
):
    party, member = chat_party["party"], chat_party["member"]
    host = f"127.0.0.1:{chat_server.port}"
    status = handshake_status(
        chat_server.ws, origin=origin.format(host=host), cookie=session_cookie(member)
    )
    assert status == 403
    assert not ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT).exists()


def test_the_sites_own_pages_chat_with_the_session_cookie(chat_server, chat_party):
    party, member = chat_party["party"], chat_party["member"]
    client = RawStomp(
        chat_server.ws,
        origin=f"http://127.0.0.1:{chat_server.port}",
        additional_headers={"Cookie": session_cookie(member)},
    )
    assert client.connect().command == "CONNECTED"
    client.subscribe(f"/topic/party.{party.id}", "s")
    client.send(
        "SEND", {"destination": f"/app/party.{party.id}"}, json.dumps({"content": "같은 사이트"})
    )
    assert json.loads(client.receive().body)["content"] == "같은 사이트"
    client.close()


def test_a_token_client_without_origin_keeps_working(chat_server, chat_party):
    client = RawStomp(chat_server.ws)  # no Origin header, as stomp.py and native apps
    assert client.connect(chat_party["tokens"]["member"]).command == "CONNECTED"
    client.close()


def test_csrf_trusted_origins_may_open_the_chat(chat_party, django_db_blocker):
    member = chat_party["member"]
    trusted = "https://app.gonggu.example"
    with (
        django_db_blocker.unblock(),
        daphne(
            extra_env={"CSRF_TRUSTED_ORIGINS": f"{trusted},https://*.partner.example"}
        ) as server,
    ):
        cookie = session_cookie(member)
        assert handshake_status(server.ws, origin=trusted, cookie=cookie) == 101
        assert handshake_status(server.ws, origin="https://m.partner.example", cookie=cookie) == 101
        assert handshake_status(server.ws, origin="http://app.gonggu.example", cookie=cookie) == 403
        assert handshake_status(server.ws, origin=f"{trusted}:8443", cookie=cookie) == 403
