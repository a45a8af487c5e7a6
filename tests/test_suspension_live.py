"""Suspending an account ends its live connections within seconds, in every web process:
an open STOMP connection on one daphne gets ERROR account_suspended and closes, an SSE stream
on another ends; reconnecting is refused. Real daphne processes sharing real Redis; the
suspension goes through the admin's report queue over HTTP."""

import os
import re
import uuid

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken

from chat.tests.stomp_client import RawStomp
from parties.services import party_close, party_join
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_party
from tests.servers import daphne
from tests.sse_client import SseClient

pytestmark = [pytest.mark.services("postgresql", "redis"), pytest.mark.django_db(transaction=True)]


def token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def admin_session(base: str, admin) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=10)
    response = session.post(
        f"{base}/admin/login/",
        data={
            "username": admin.email,
            "password": DEFAULT_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        timeout=10,
    )
    assert response.ok and "sessionid" in session.cookies, response.text[:500]
    return session


def test_suspension_ends_websocket_and_sse_connections_everywhere(settings):
    # The admin logs in on a daphne process, which knows only the real password hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    party = make_party(capacity=3)
    member = UserFactory(nickname="말썽이웃")
    party_join(party_id=party.id, user=member)
    party_close(party_id=party.id, user=party.leader)
    admin = UserFactory(is_staff=True, is_superuser=True)
    env = {"CHANNEL_LAYER_PREFIX": f"gonggu-test-{uuid.uuid4().hex[:10]}"}
    redis_url = os.environ["REDIS_URL"]
    with (
        daphne(redis_url=redis_url, extra_env=env) as web1,
        daphne(redis_url=redis_url, extra_env=env) as web2,
    ):
        stomp = RawStomp(web1.ws)
        assert stomp.connect(token(member)).command == "CONNECTED"
        stomp.subscribe(f"/topic/party.{party.id}", "s1")
        idle = RawStomp(web2.ws)  # a connection with no subscription ends too
        assert idle.connect(token(member)).command == "CONNECTED"
        stream = SseClient(web2.http, token=token(member))
        stream.wait_listening()

        reported = requests.post(
            f"{web1.http}/api/v1/reports",
            json={"target_type": "user", "target_id": member.id, "reason": "욕설을 해요"},
            headers={"Authorization": f"Bearer {token(party.leader)}"},
            timeout=10,
        )
        assert reported.status_code == 201, reported.text
        session = admin_session(web2.http, admin)
        change = f"{web2.http}/admin/moderation/report/{reported.json()['id']}/change/"
        page = session.get(change, timeout=10)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        decided = session.post(
            change, data={"csrfmiddlewaretoken": csrf, "_suspend": "1"}, timeout=10
        )
        assert decided.ok, decided.text[:500]

        ended = stomp.receive(timeout=15)
        assert (ended.command, ended.header("code")) == ("ERROR", "account_suspended")
        assert stomp.closed_within(10)
        assert idle.receive(timeout=15).header("code") == "account_suspended"
        assert stream.closed.wait(15), "the SSE stream did not end"

        again = RawStomp(web1.ws)
        assert again.connect(token(member)).header("code") == "not_authenticated"
        refused = SseClient(web2.http, token=token(member))
        assert refused.status == 401
