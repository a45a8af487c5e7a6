"""``GET /api/v1/notifications/stream``: Server-Sent Events, one async generator per client.

Runs on the server's event loop (no thread per connection): the stream joins the user's
channel-layer group (``notify.<user id>``), to which the dispatcher of any process pushes,
sends ``retry:`` first, replays the stored notifications after ``Last-Event-ID`` (header) or
``?last_event_id=``, then relays live ones, with a keep-alive comment when idle. When the
client goes away, Django cancels the generator and it leaves the group.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.tokens import bearer_token, user_for_token_sync
from notifications.selectors import notifications_after
from notifications.services import notification_payload, user_group

logger = logging.getLogger(__name__)

MAX_EVENT_ID = 2**63 - 1


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


async def _user(request: HttpRequest):
    token = bearer_token(request.headers.get("Authorization")) or request.GET.get("token")
    if token:
        return await database_sync_to_async(user_for_token_sync)(token)
    return await request.auser()


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID")
    if raw is None:
        raw = request.GET.get("last_event_id")
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or int(raw) > MAX_EVENT_ID:
        raise ValueError(raw)
    return int(raw)


def _frame(payload: dict) -> str:
    data = json.dumps(payload, ensure_ascii=False)
    return f"id: {payload['id']}\nevent: {payload['type']}\ndata: {data}\n\n"


async def _events(user_id: int, last_id: int | None):
    layer = get_channel_layer()
    channel = await layer.new_channel("sse.")
    group = user_group(user_id)
    # Join before replaying: nothing pushed in between is lost; ids dedupe the overlap.
    await layer.group_add(group, channel)
    try:
        yield f"retry: {settings.SSE_RETRY_MS}\n\n"
        sent = last_id or 0
        if last_id is not None:
            missed = await database_sync_to_async(notifications_after)(
                user_id=user_id, after_id=last_id
            )
            for notification in missed:
                yield _frame(notification_payload(notification))
                sent = notification.pk
        while True:
            try:
                message = await asyncio.wait_for(
                    layer.receive(channel), timeout=settings.SSE_KEEPALIVE_SECONDS
                )
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            payload = message.get("notification") or {}
            if payload.get("id", 0) <= sent:
                continue
            sent = payload["id"]
            yield _frame(payload)
    finally:
        await layer.group_discard(group, channel)


async def notification_stream(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _error(405, "method_not_allowed", _("GET으로 연결해 주세요."))
    user = await _user(request)
    if not user.is_authenticated:
        return _error(401, "not_authenticated", _("로그인이 필요해요."))
    try:
        last_id = _last_event_id(request)
    except ValueError:
        return _error(
            400, "invalid_last_event_id", _("Last-Event-ID는 알림 id(0 이상의 정수)여야 해요.")
        )
    response = StreamingHttpResponse(_events(user.pk, last_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies must not buffer the stream
    return response
