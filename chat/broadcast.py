"""The one way chat messages leave the process: after commit, through the channel layer.

Every web process's STOMP consumers for a party join the group ``party.<id>``; the layer
(Redis in services mode, in-memory in embedded mode) carries the message to all of them.
Chat does not go through the domain-event outbox: it is live delivery of already-stored rows.
"""

from common.layer import group_send_after_commit


def party_group(party_id: int) -> str:
    return f"party.{party_id}"


def broadcast_after_commit(party_id: int, event: dict) -> None:
    broadcast_many_after_commit([(party_id, event)])


def broadcast_many_after_commit(events: list[tuple[int, dict]]) -> None:
    """Several ``(party id, event)`` in one hand-over to the channel layer, in order."""
    group_send_after_commit([(party_group(party_id), event) for party_id, event in events])
