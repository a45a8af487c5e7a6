"""The one way chat messages leave the process: after commit, through the channel layer.

Every web process's STOMP consumers for a party join the group ``party.<id>``; the layer
(Redis in services mode, in-memory in embedded mode) carries the message to all of them.
Chat does not go through the domain-event outbox: it is live delivery of already-stored rows.
"""

from django.db import transaction

from common.layer import group_send_many


def party_group(party_id: int) -> str:
    return f"party.{party_id}"


def broadcast_after_commit(party_id: int, event: dict) -> None:
    transaction.on_commit(lambda: group_send_many([(party_group(party_id), event)]))
