"""Live party state (parties/live.py): the channel-layer push after a change, the public
stream a party's viewers listen to, and the fragment the party page re-reads."""

import asyncio
import os
import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
import requests
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from parties.live import party_live_group
from parties.models import Party
from parties.services import party_join, party_withdraw
from tests.factories import UserFactory, make_party
from tests.servers import daphne
from tests.sse_client import SseClient

STREAM = "/api/v1/parties/live"
PUBLIC_STATE_KEYS = {"party_id", "status", "status_label", "member_count", "capacity", "open"}


def live_part(html: str, name: str) -> str:
    """One ``data-live-part`` element's markup (its own closing tag), CSRF tokens blanked."""
    match = re.search(rf'<(\w+)[^>]*data-live-part="{name}".*?</\1>\n', html, flags=re.DOTALL)
    assert match, f"no live part {name!r}"
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", match.group(0))


def token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


# --- the push after a change ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    """This process's own layer (a daphne under test has its own): sends are observable here."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def in_thread(function, *args):
    """Run ``async_to_sync(function)(*args)`` in a thread of its own: a browser test earlier
    in the run may leave an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(function), *args).result()


def receive_group(group: str):
    """A channel in ``group``, and a way to read what arrived (None when nothing did)."""
    layer = get_channel_layer()
    channel = in_thread(layer.new_channel)
    in_thread(layer.group_add, group, channel)

    async def next_message():
        try:
            return await asyncio.wait_for(layer.receive(channel), timeout=0.5)
        except TimeoutError:
            return None

    return lambda: in_thread(next_message)


@pytest.mark.django_db(transaction=True)
def test_a_join_tells_the_partys_viewers_after_commit():
    party = make_party(capacity=3)
    received = receive_group(party_live_group(party.pk))
    party_join(party_id=party.pk, user=UserFactory())
    # Only the party's id: each viewer reads the state after the change, never a delta.
    assert received() == {"type": "party.changed", "party_id": party.pk}


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_tells_no_one():
    party = make_party(capacity=3)
    received = receive_group(party_live_group(party.pk))
    with pytest.raises(RuntimeError), transaction.atomic():
        party_join(party_id=party.pk, user=UserFactory())
        raise RuntimeError("rolled back")
    assert received() is None
    assert Party.objects.get(pk=party.pk).member_count == 1


# --- the fragment the page re-reads ---------------------------------------------------------


@pytest.fixture
def party(db):
    leader = UserFactory(nickname="망원새댁")
    party = make_party(leader=leader, capacity=3, title="화장지 셋이 나눠요")
    party_join(party_id=party.pk, user=UserFactory(nickname="합정살림꾼"))
    return party


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["visitor", "outsider", "member", "leader"])
def test_live_fragment_shows_each_viewer_exactly_what_their_page_shows(client, party, viewer):
    if viewer == "outsider":
        client.force_login(UserFactory())
    elif viewer == "member":
        client.force_login(party.memberships.exclude(user=party.leader).get().user)
    elif viewer == "leader":
        client.force_login(party.leader)
    page = unescape(client.get(reverse("parties:detail", args=[party.pk])).content.decode())
    response = client.get(reverse("parties:live", args=[party.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    fragment = unescape(response.content.decode())
    for name in ("head", "count", "actions", "members"):
        assert live_part(fragment, name) == live_part(page, name)
    assert "합정살림꾼" in live_part(fragment, "members")
    assert "2/3명" in live_part(fragment, "count")


@pytest.mark.django_db
def test_live_fragment_keeps_who_withdrew_and_why_from_visitors(client, party):
    member = party.memberships.exclude(user=party.leader).get().user
    party_join(party_id=party.pk, user=UserFactory())  # full: closed
    party_withdraw(party_id=party.pk, user=member, reason="아이가 아파서요")
    visitor = unescape(client.get(reverse("parties:live", args=[party.pk])).content.decode())
    assert "아이가 아파서요" not in visitor
    assert "합정살림꾼" not in visitor
    assert "2/3명" in visitor
    client.force_login(party.leader)
    leader = unescape(client.get(reverse("parties:live", args=[party.pk])).content.decode())
    assert "아이가 아파서요" in leader  # as the leader's own page shows it
    assert member.email not in leader


@pytest.mark.django_db
def test_live_fragment_of_a_hidden_or_unknown_party_is_not_found(client, party):
    Party.objects.filter(pk=party.pk).update(hidden_at=timezone.now())
    assert client.get(reverse("parties:live", args=[party.pk])).status_code == 404
    assert client.get(reverse("parties:live", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_live_fragment_refuses_writes(client, party):
    assert client.post(reverse("parties:live", args=[party.pk])).status_code == 405


# --- the stream, against a real daphne --------------------------------------------------------


@pytest.fixture
def live_party(transactional_db, server):
    return make_party(leader=UserFactory(nickname="망원새댁"), capacity=2, title="생수 둘이 나눠요")


@pytest.mark.django_db(transaction=True)
def test_stream_sends_a_visitor_the_state_then_each_change(server, live_party):
    joiner = UserFactory(nickname="합정살림꾼")
    with SseClient(server.http, path=STREAM, query={"ids": str(live_party.pk)}) as stream:
        assert stream.status == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        stream.wait_listening()
        first = stream.next_event(timeout=10)
        assert first.event == "state"
        assert first.json == {
            "party_id": live_party.pk,
            "status": "recruiting",
            "status_label": "모집 중",
            "member_count": 1,
            "capacity": 2,
            "open": True,
        }
        # The join happens on the server (its live handler tells its viewers): the party fills.
        response = requests.post(
            f"{server.http}/api/v1/parties/{live_party.pk}/join",
            headers={"Authorization": f"Bearer {token(joiner)}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        states = []
        while not states or states[-1]["status"] != "closed":
            event = stream.next_event(timeout=10)
            assert set(event.json) == PUBLIC_STATE_KEYS  # nothing about who joined
            states.append(event.json)
        assert states[-1] == {
            "party_id": live_party.pk,
            "status": "closed",
            "status_label": "모집 마감",
            "member_count": 2,
            "capacity": 2,
            "open": False,
        }
        assert "합정살림꾼" not in str(states)


@pytest.mark.django_db(transaction=True)
def test_stream_reconnecting_gets_the_current_state_of_what_changed_meanwhile(server, live_party):
    member = UserFactory()
    party_join(party_id=live_party.pk, user=member)  # full, while no one was listening
    other = make_party(capacity=3)
    with SseClient(
        server.http, path=STREAM, query={"ids": f"{live_party.pk},{other.pk}"}
    ) as stream:
        stream.wait_listening()
        got = {e.json["party_id"]: e.json for e in (stream.next_event(10), stream.next_event(10))}
    assert got[live_party.pk]["member_count"] == 2
    assert got[live_party.pk]["open"] is False
    assert got[other.pk]["open"] is True


@pytest.mark.django_db(transaction=True)
def test_stream_leaves_out_a_party_a_moderator_hid(server, live_party):
    Party.objects.filter(pk=live_party.pk).update(hidden_at=timezone.now())
    other = make_party(capacity=3)
    with SseClient(
        server.http, path=STREAM, query={"ids": f"{live_party.pk},{other.pk}"}
    ) as stream:
        stream.wait_listening()
        assert [e.json["party_id"] for e in stream.events_within(1.0)] == [other.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "ids",
    ["", "abc", "1,,2", "0", "-1", "²", ",".join(str(n) for n in range(1, 102)), "9" * 20],
)
def test_stream_refuses_bad_party_ids_with_a_korean_message(server, ids):
    with SseClient(server.http, path=STREAM, query={"ids": ids}) as stream:
        assert stream.status == 400
        body = stream.body.decode()
        assert '"code": "invalid_ids"' in body
        assert "파티 번호" in body


@pytest.mark.django_db(transaction=True)
def test_stream_answers_only_get(server):
    response = requests.post(f"{server.http}{STREAM}?ids=1", timeout=10)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_live_fragment_url_is_under_the_party():
    assert reverse("parties:live", args=[7]) == "/parties/7/live/"


@pytest.mark.services("redis")
@pytest.mark.django_db(transaction=True)
def test_a_join_on_one_web_process_reaches_a_viewer_on_another(transactional_db):
    """Services mode: the viewer's stream and the join are on different daphne processes,
    joined by the Redis channel layer."""
    party = make_party(capacity=3)
    redis_url = os.environ["REDIS_URL"]
    with (
        daphne(redis_url=redis_url) as viewing,
        daphne(redis_url=redis_url) as joining,
        SseClient(viewing.http, path=STREAM, query={"ids": str(party.pk)}) as stream,
    ):
        stream.wait_listening()
        assert stream.next_event(timeout=10).json["member_count"] == 1
        response = requests.post(
            f"{joining.http}/api/v1/parties/{party.pk}/join",
            headers={"Authorization": f"Bearer {token(UserFactory())}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        state = stream.next_event(timeout=10).json
    assert state["member_count"] == 2
    assert state["open"] is True
