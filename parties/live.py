"""``GET /api/v1/parties/live?ids=1,2,3``: parties' public state, live, as Server-Sent Events.

The party page (its seat counter, status, actions and member list) and the nearby list (a
"마감" mark on parties that filled) listen here. Why a stream of its own and not the
notifications stream: visitors who are not signed in must see a party fill too, and a party's
viewers are not its notification recipients. Why state and not events: a viewer must never
keep a stale count, so every message is the party's state as read from the database *after*
the change, never a delta to apply.

How a change gets here: every party event has a live handler (``party_changed``, registered
in ``parties.apps``) that, after the commit, sends ``{"party_id"}`` to the channel-layer
group ``party-live.<id>`` (Redis in services mode, so any web process's viewers hear it).
Each web process has one hub (``PartyLiveHub``, a ``common.hub.LocalHub``) that joins a
party's group while someone here watches it; on a message it reads the party's state once
(one query, whatever the number of viewers) and hands it to every local stream watching.
Reads happen one at a time in the hub's loop after the message arrived, so the last state a
stream gets was read after the last change it was told about.

Healing: on connect (the first time and after every reconnect) the stream sends the current
state of every party asked for, after it has joined the groups, so nothing changed in between
is missed. A live handler is lost if its process dies right after the commit; the state is
then fresh again at the next change, reconnect, or when the page becomes visible again (the
script re-reads then). When the channel layer was interrupted, or a stream's queue filled
up, the stream ends and the browser reconnects (``retry:``) and gets the state again.

Only what a party card shows to anyone: status, seats, open or not. The party page re-reads
its own fragment (``parties:live``) for the member list, rendered for that viewer exactly as
the page is.
"""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from common.events import DomainEvent, EventType, subscribe
from common.hub import HubUnavailable, LocalHub
from common.layer import group_send_many
from common.params import ascii_int
from common.sse import (
    GONE,
    end_stream,
    next_item,
    send_body,
    send_error,
    start_stream,
    until_disconnect,
)
from parties.selectors import LIVE_PARTIES_MAX, party_live_states

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 200
# Every party event may change what its viewers see (seats, members, status, actions); a
# party event type added later (a member removed by staff, say) is live without a change
# here. Reminders change nothing on the page.
LIVE_EVENTS = tuple(
    event_type
    for event_type in EventType
    if event_type.value.startswith("party.")
    and event_type not in {EventType.MEETING_REMINDER, EventType.ATTENDANCE_REMINDER}
)

_states = database_sync_to_async(party_live_states, thread_sensitive=False)


def party_live_group(party_id: int) -> str:
    return f"party-live.{party_id}"


def party_changed(event: DomainEvent) -> None:
    """Live handler (after commit): tell the party's viewers, on every web process."""
    party_id = event.payload.get("party_id")
    if party_id is not None:
        group_send_many(
            [(party_live_group(party_id), {"type": "party.changed", "party_id": party_id})]
        )


def register_live_handlers() -> None:
    for event_type in LIVE_EVENTS:
        subscribe(event_type, party_changed)


class StateQueue(asyncio.Queue):
    """A stream's queue; ``stale`` once it can no longer be trusted to hold everything."""

    stale = False

    def end(self) -> None:
        self.stale = True
        if not self.full():
            self.put_nowait(None)  # wakes the stream


class PartyLiveHub(LocalHub[StateQueue]):
    channel_prefix = "party-live-hub."

    def group(self, key: int) -> str:
        return party_live_group(key)

    async def handle(self, message: dict) -> None:
        party_id = message.get("party_id")
        if not isinstance(party_id, int) or not self.listeners.get(party_id):
            return
        # Read after the message arrived: the state includes the change it announces.
        state = (await _states(party_ids=[party_id])).get(party_id)
        if state is None:  # hidden by a moderator (or deleted): viewers keep what they have
            return
        for queue in self.listeners.get(party_id, ()):
            if queue.full():
                queue.end()
            elif not queue.stale:
                queue.put_nowait(state)

    async def interrupted(self, listeners: dict[int, set[StateQueue]]) -> None:
        for queues in listeners.values():
            for queue in queues:
                queue.end()


def hub() -> PartyLiveHub:
    return PartyLiveHub.for_this_loop()


def _party_ids(query: dict[str, list[str]]) -> list[int] | None:
    """``ids=1,2,3`` (also repeated ``ids``): 1 to LIVE_PARTIES_MAX party ids, else None."""
    raw = ",".join(query.get("ids", []))
    ids: list[int] = []
    for part in raw.split(","):
        value = ascii_int(part.strip())
        if value is None or value < 1 or value > 2**63 - 1:
            return None
        if value not in ids:
            ids.append(value)
    return ids if 0 < len(ids) <= LIVE_PARTIES_MAX else None


def _frame(state: dict) -> bytes:
    return f"event: state\ndata: {json.dumps(state, ensure_ascii=False)}\n\n".encode()


async def party_live_stream(scope, receive, send) -> None:
    if scope["method"] != "GET":
        await send_error(send, 405, "method_not_allowed", _("GET으로 연결해 주세요."))
        return
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    party_ids = _party_ids(query)
    if party_ids is None:
        await send_error(
            send,
            400,
            "invalid_ids",
            _("ids에 파티 번호를 쉼표로 나눠 1개에서 %(max)d개까지 적어 주세요.")
            % {"max": LIVE_PARTIES_MAX},
        )
        return

    parties, queue = hub(), StateQueue(maxsize=QUEUE_LIMIT)
    joined: list[int] = []
    try:
        # Listen before reading the state: a change in between arrives after it.
        for party_id in party_ids:
            await parties.add(party_id, queue)
            joined.append(party_id)
    except HubUnavailable:
        queue.end()  # live delivery is down: send the state, then end; the browser retries
    gone = asyncio.ensure_future(until_disconnect(receive))
    try:
        await start_stream(send)
        for state in (await _states(party_ids=party_ids)).values():
            await send_body(send, _frame(state))
        while not queue.stale:
            state = await next_item(queue, gone, send)
            if state is GONE or state is None or queue.stale:
                break  # may have missed a change: end, the browser reconnects and re-reads
            await send_body(send, _frame(state))
        await end_stream(send, gone)
    finally:
        gone.cancel()
        for party_id in joined:
            await parties.remove(party_id, queue)
