"""Every reaction that must happen runs from the outbox: a web process that dies right after
the commit that filled a party (before the room opened) leaves nothing undone. The room
opens once the events are relayed again, by the dispatcher (services mode) or by the
embedded sweep (embedded mode)."""

import os
import uuid

import pytest
import requests
from django.test import override_settings
from rest_framework_simplejwt.tokens import RefreshToken

from chat.models import ChatRoom
from notifications.models import OutboxEvent
from parties.models import Party, PartyStatus
from parties.services import party_join
from tests.factories import UserFactory, make_party
from tests.servers import daphne, dispatcher
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.mark.services("postgresql", "redis", "rabbitmq")
def test_a_web_process_killed_right_after_a_party_fills_still_leaves_an_open_room():
    redis_url, rabbitmq_url = os.environ["REDIS_URL"], os.environ["RABBITMQ_URL"]
    prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
    env = {
        "NOTIFICATIONS_PREFIX": prefix,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
        "CHANNEL_LAYER_PREFIX": prefix,
    }
    party = make_party(capacity=2)
    last = UserFactory()
    with daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=env) as web:
        joined = requests.post(
            f"{web.http}/api/v1/parties/{party.id}/join",
            headers={"Authorization": f"Bearer {token(last)}"},
            timeout=30,
        )
        assert joined.status_code == 200, joined.text
        web.process.kill()  # no chance to do anything after its commit
    party.refresh_from_db()
    assert party.status == PartyStatus.CLOSED
    assert not ChatRoom.objects.filter(party=party).exists()
    assert OutboxEvent.objects.filter(type="party.closed", dispatched_at__isnull=True).exists()

    with (
        daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=env),
        dispatcher(rabbitmq_url=rabbitmq_url, redis_url=redis_url, extra_env=env),
    ):
        wait_for(
            lambda: ChatRoom.objects.filter(party=party).exists(),
            timeout=30,
            message="the relayed party.closed opened the room",
        )
        wait_for(
            lambda: not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists(),
            timeout=30,
            message="nothing left pending",
        )
    assert ChatRoom.objects.filter(party=party).count() == 1


def test_embedded_mode_sweeps_up_reactions_a_dead_process_left_pending():
    party = make_party(capacity=2)
    # As if the process died between the commit and its reactions: nothing runs here.
    with override_settings(NOTIFICATIONS_BUS="rabbitmq"):
        party_join(party_id=party.id, user=UserFactory())
    assert Party.objects.get(pk=party.pk).status == PartyStatus.CLOSED
    assert not ChatRoom.objects.filter(party=party).exists()

    with daphne(extra_env={"GONGGU_EMBEDDED_BEAT": "1"}):  # the embedded sweep, at start
        wait_for(
            lambda: ChatRoom.objects.filter(party=party).exists(),
            timeout=30,
            message="the sweep opened the room",
        )
        # Opening the room writes its own events (its system message); they go out too.
        wait_for(
            lambda: not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists(),
            timeout=30,
            message="nothing left pending",
        )
