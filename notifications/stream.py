"""``GET /api/v1/notifications/stream``: Server-Sent Events, a plain ASGI app on the server's
event loop (routed in ``config.asgi`` ahead of Django).

Why not a Django view: a held stream would keep Django's per-request machinery alive for
hours, including the per-request thread that sync middleware and thread-sensitive calls get
under ASGI: a thread per connection. Here a held stream is a coroutine, a queue and two
small tasks (measured in ``benchmarks/sse_load.py``).

The stream listens through the process's hub (``notifications.hub``), sends ``retry:``
first, replays the stored notifications after ``Last-Event-ID`` (header) or
``?last_event_id=``, then relays live ones, with a keep-alive comment when idle, and leaves
the hub when the client goes away. Auth: ``Authorization: Bearer``, ``?token=`` or the
session cookie (``AuthMiddlewareStack`` around this app).
"""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tokens import bearer_token, user_for_token_sync
from common.hub import HubUnavailable
from common.logs import bind as log_bind
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
from notifications.hub import StreamQueue, hub
from notifications.selectors import notifications_after
from notifications.services import notification_payload

logger = logging.getLogger(__name__)

MAX_EVENT_ID = 2**63 - 1
# Shared thread pool, not a thread per request context.
_user_for_token = database_sync_to_async(user_for_token_sync, thread_sensitive=False)
_notifications_after = database_sync_to_async(notifications_after, thread_sensitive=False)


def _frame(payload: dict) -> bytes:
    data = json.dumps(payload, ensure_ascii=False)
    event_id = "" if payload.get("merged") else f"id: {payload['id']}\n"
    return f"{event_id}event: {payload['type']}\ndata: {data}\n\n".encode()


def _last_event_id(headers: dict[bytes, bytes], query: dict[str, list[str]]) -> int | None:
    raw = headers.get(b"last-event-id")
    value = (
        raw.decode("latin-1")
        if raw is not None
        else next(iter(query.get("last_event_id", [])), None)
    )
    if value is None or value.strip() == "":
        return None
    parsed = ascii_int(value.strip())
    if parsed is None or parsed > MAX_EVENT_ID:
        raise ValueError(value)
    return parsed


async def notification_stream(scope, receive, send) -> None:
    if scope["method"] != "GET":
        await send_error(send, 405, "method_not_allowed", _("GET으로 연결해 주세요."))
        return
    headers = dict(scope.get("headers") or [])
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    token = (
        bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        or (query.get("token") or [None])[0]
    )
    user: User | AnonymousUser = (
        await _user_for_token(token) if token else scope.get("user") or AnonymousUser()
    )
    if not user.is_authenticated:
        await send_error(send, 401, "not_authenticated", _("로그인이 필요해요."))
        return
    log_bind(user_id=user.pk)  # for the stream's access line (common.access)
    try:
        last_id = _last_event_id(headers, query)
    except ValueError:
        await send_error(
            send,
            400,
            "invalid_last_event_id",
            _("Last-Event-ID는 알림 id(0 이상의 정수)여야 해요."),
        )
        return

    streams, user_id = hub(), user.pk
    # Listen before replaying: nothing pushed in between is lost; ids dedupe the overlap.
    try:
        queue: StreamQueue | None = await streams.subscribe(user_id)
    except HubUnavailable:
        # Live delivery is down (Redis unreachable): replay from the inbox, then end; the
        # browser comes back after ``retry`` and is live again once Redis is.
        queue = None
    gone = asyncio.ensure_future(until_disconnect(receive))
    try:
        await start_stream(send)
        sent = last_id or 0
        if last_id is not None:
            for notification in await _notifications_after(user_id=user_id, after_id=last_id):
                await send_body(send, _frame(notification_payload(notification)))
                sent = notification.pk
        while queue is not None and not queue.stale:
            payload = await next_item(queue, gone, send)
            if payload is GONE or payload is None or queue.stale:
                break  # this process may have missed some: end, the client replays
            if payload.get("merged"):
                # A notification sent before grew (one action, a later event): sent again,
                # without an ``id:`` so the client's Last-Event-ID stays the newest.
                await send_body(send, _frame(payload))
            elif payload.get("id", 0) > sent:
                sent = payload["id"]
                await send_body(send, _frame(payload))
        await end_stream(send, gone)
    finally:
        gone.cancel()
        if queue is not None:
            await streams.unsubscribe(user_id, queue)
