"""STOMP 1.2 over WebSocket at /ws: party chat.

Thin: frames are parsed by ``chat.stomp``; access checks and storage are the chat services
and selectors, run in a thread; subscriptions are registered with this process's chat hub
(``chat.hub``), which receives each party's messages from the channel layer once and writes
the MESSAGE frames to its local subscribers.
Anything the server cannot process gets an ERROR frame with a ``message`` header, then close.
"""

import asyncio
import json
import logging
import re
import time
import uuid
from typing import cast

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from chat import batching, stomp
from chat.auth import bearer_token, user_for_token
from chat.hub import chat_hub
from chat.models import MAX_MESSAGE_LENGTH
from chat.selectors import chat_access_check
from chat.services import MessageDraft
from common.connections import account_hub
from common.errors import DomainError
from common.hub import HubUnavailable
from common.logs import bind as log_bind
from common.metrics import WEBSOCKET_CONNECTIONS, connection_opened, not_counted
from common.net import scope_client_address
from common.transport import SCOPE_KEY as SERVER_SEND
from common.transport import OutgoingMessage, pending_output_bytes, write_direct

logger = logging.getLogger(__name__)
# One line per STOMP session, when it ends (the access log's counterpart for /ws).
session_logger = logging.getLogger("gonggu.chat")

TOPIC_RE = re.compile(r"/topic/party\.([1-9][0-9]{0,17})")
APP_RE = re.compile(r"/app/party\.([1-9][0-9]{0,17})")
SERVER_NAME = "gonggu/1"


def protocol_refusal(exc: stomp.StompProtocolError) -> tuple[str, str, str]:
    """``(code, message, body)`` of the ERROR for a frame the parser refused. The ``message``
    header is what a chat page shows a resident, so it is Korean and says what to do; the
    parser's technical reason goes into the body for client developers."""
    technical = exc.message + (f"\n{exc.details}" if exc.details else "")
    if isinstance(exc, stomp.FrameTooLarge):
        message = _("메시지가 너무 길어요. %(max)d자까지 보낼 수 있어요.") % {
            "max": MAX_MESSAGE_LENGTH
        }
        return "frame_too_large", message, technical
    return "bad_frame", _("처리할 수 없는 요청이라 연결을 닫았어요."), technical


def in_thread(func):
    """Run ORM work in the thread pool (each call takes a pooled connection), not in the one
    shared sync thread: messages from different connections are stored in parallel."""
    return database_sync_to_async(func, thread_sensitive=False)


class RateLimiter:
    """Token bucket: ``rate`` frames a second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class StompConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per connection (get_channel_layer(None) is None): the
    # process's chat hub receives for all of them, so a connection costs no Redis
    # subscription and no second receive task.
    channel_layer_alias = None

    async def __call__(self, scope, receive, send) -> None:
        # Channels' loop (``await_many_dispatch``) awaits each client event in a new task,
        # with ``asyncio.wait``, so that it can listen to a channel-layer channel at the same
        # time. This consumer has no channel (the hub delivers), so it reads the client's
        # events directly: no task and no wait per inbound frame (measured: ~5% of the
        # process's CPU under chat load). Otherwise what AsyncConsumer.__call__ does.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message) -> None:
        # Channels' dispatch first closes stale DB connections through a hop to the one
        # shared sync thread, for every event: every frame and every delivery of every
        # connection queued behind that thread. This consumer never touches the database on
        # the event loop (ORM work runs via database_sync_to_async, which cleans up around
        # each call), so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols") or []
        chosen = stomp.choose_subprotocol(offered)
        if offered and chosen is None:
            # The client speaks only protocols we do not: refuse the handshake.
            await self.close(code=1002)
            return
        limits = settings.CHAT_LIMITS
        self.parser = stomp.FrameParser(max_frame_bytes=limits["max_frame_bytes"])
        self.user = self.scope.get("user") or AnonymousUser()
        self.session_id = uuid.uuid4().hex
        # For the session's log line (gonggu.chat).
        self.opened_at = time.monotonic()
        self.frames_in = self.frames_out = 0
        self.party_ids: set[int] = set()
        self.close_reason: str | None = None
        if self.user.is_authenticated:
            log_bind(user_id=self.user.pk)
        self.stomp_connected = False
        self.closing = False
        self.subscriptions: dict[str, int] = {}  # subscription id -> party id
        self.send_limiter = RateLimiter(limits["messages_per_second"], limits["message_burst"])
        self.frame_limiter = RateLimiter(limits["frames_per_second"], limits["frame_burst"])
        self.max_pending_output = limits["max_pending_output_bytes"]
        self.last_received = time.monotonic()
        self.heartbeat_tasks: list[asyncio.Task] = []
        self.account_registered = False
        await self.accept(subprotocol=chosen)
        self.uncount = connection_opened(WEBSOCKET_CONNECTIONS)

    async def disconnect(self, code) -> None:
        self.closing = True
        self._log_session(code)
        getattr(self, "uncount", not_counted)()
        for task in getattr(self, "heartbeat_tasks", []):
            task.cancel()
        subscriptions = getattr(self, "subscriptions", {})
        while subscriptions:
            sub_id, party_id = subscriptions.popitem()
            await chat_hub().remove(party_id, (self, sub_id))
        if getattr(self, "account_registered", False):
            await account_hub().remove(cast(User, self.user).pk, self)

    # --- inbound ------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.closing:
            return
        self.last_received = time.monotonic()
        data = text_data if text_data is not None else bytes_data
        try:
            items = self.parser.feed(data)
        except stomp.StompProtocolError as exc:
            for item in exc.frames:  # frames before the bad one still count, in order
                if not await self._handle(item):
                    return
            code, message, body = protocol_refusal(exc)
            await self.fail(message, receipt_id=exc.receipt_id, details=body, code=code)
            return
        for item in items:
            if not await self._handle(item):
                return

    async def _handle(self, item) -> bool:
        """Process one parsed item; False once the connection is being closed."""
        if item is stomp.HEARTBEAT:
            return True
        self.frames_in += 1
        frame: stomp.Frame = item
        receipt_id = frame.header("receipt")
        if not self.frame_limiter.allow():
            await self.fail(
                _("너무 빨리 보내고 있어요. 잠시 후 다시 보내 주세요."),
                receipt_id=receipt_id,
                code="too_many_frames",
            )
            return False
        try:
            if frame.command in ("CONNECT", "STOMP"):
                await self.on_connect(frame)
                return not self.closing
            if not self.stomp_connected:
                raise stomp.StompProtocolError(f"{frame.command} before CONNECT")
            handler = {
                "SUBSCRIBE": self.on_subscribe,
                "UNSUBSCRIBE": self.on_unsubscribe,
                "SEND": self.on_send,
                "DISCONNECT": self.on_disconnect,
            }.get(frame.command)
            if handler is None:
                raise stomp.StompProtocolError(f"{frame.command} is not supported here")
            await handler(frame)
        except stomp.StompProtocolError as exc:
            code, message, body = protocol_refusal(exc)
            await self.fail(message, receipt_id=receipt_id, details=body, code=code)
            return False
        except DomainError as exc:
            await self.fail(exc.message, receipt_id=receipt_id, code=exc.code)
            return False
        if receipt_id is not None and frame.command != "DISCONNECT":
            await self.send_frame(stomp.receipt(receipt_id))
        return not self.closing

    async def on_connect(self, frame: stomp.Frame) -> None:
        if self.stomp_connected:
            raise stomp.StompProtocolError("already connected")
        version = stomp.negotiate_version(frame.header("accept-version"))
        if version is None:
            raise stomp.StompProtocolError("supported protocol versions are 1.0, 1.1, 1.2")
        token = bearer_token(frame.header("Authorization") or frame.header("authorization"))
        if token:
            self.user = await user_for_token(token)
        if not self.user.is_authenticated:
            raise DomainError("not_authenticated", _("로그인이 필요해요. 다시 로그인해 주세요."))
        log_bind(user_id=self.user.pk)
        limits = settings.CHAT_LIMITS
        sends_every, expects_every = stomp.negotiate_heartbeat(
            frame.header("heart-beat"), limits["heartbeat_ms"], limits["heartbeat_ms"]
        )
        self.stomp_connected = True
        # So that suspending the account ends this connection (common.connections). With
        # Redis unreachable the connection still works (sending stores messages) and keeps
        # trying to register in the background; meanwhile a suspended user's frames are
        # refused anyway (chat access requires an active account).
        self.heartbeat_tasks.append(asyncio.create_task(self._register_account()))
        await self.send_frame(
            stomp.connected(version, (sends_every, expects_every), SERVER_NAME, self.session_id)
        )
        if sends_every:
            self.heartbeat_tasks.append(asyncio.create_task(self._send_heartbeats(sends_every)))
        if expects_every:
            self.heartbeat_tasks.append(asyncio.create_task(self._watch_peer(expects_every)))

    async def on_subscribe(self, frame: stomp.Frame) -> None:
        sub_id = frame.header("id")
        destination = frame.header("destination") or ""
        if not sub_id:
            raise stomp.StompProtocolError("SUBSCRIBE needs an id header")
        if sub_id in self.subscriptions:
            raise stomp.StompProtocolError(f"subscription id {sub_id!r} is already in use")
        match = TOPIC_RE.fullmatch(destination)
        if match is None:
            raise stomp.StompProtocolError(f"unknown destination {destination!r}")
        party_id = int(match.group(1))
        if party_id in self.subscriptions.values():
            raise DomainError("already_subscribed", "이미 구독 중인 채팅방이에요")
        if len(self.subscriptions) >= settings.CHAT_LIMITS["max_subscriptions"]:
            raise DomainError("too_many_subscriptions", "한 연결에서 구독할 수 있는 방이 넘쳤어요")
        await in_thread(chat_access_check)(party_id=party_id, user=self.user)
        try:
            await chat_hub().add(party_id, (self, sub_id))
        except HubUnavailable:
            raise DomainError(
                "delivery_unavailable", "실시간 연결이 잠시 끊겼어요. 곧 다시 연결할게요"
            ) from None
        self.subscriptions[sub_id] = party_id
        self.party_ids.add(party_id)
        log_bind(party_id=party_id)

    async def on_unsubscribe(self, frame: stomp.Frame) -> None:
        sub_id = frame.header("id")
        if sub_id not in self.subscriptions:
            raise stomp.StompProtocolError(f"no subscription with id {sub_id!r}")
        party_id = self.subscriptions.pop(sub_id)
        await chat_hub().remove(party_id, (self, sub_id))

    async def on_send(self, frame: stomp.Frame) -> None:
        destination = frame.header("destination") or ""
        match = APP_RE.fullmatch(destination)
        if match is None:
            raise stomp.StompProtocolError(f"unknown destination {destination!r}")
        if not self.send_limiter.allow():
            raise DomainError("too_fast", "메시지를 너무 빨리 보내고 있어요")
        try:
            content = json.loads(frame.body.decode("utf-8"))["content"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise stomp.StompProtocolError('SEND body must be JSON {"content": "..."}') from None
        if not isinstance(content, str):
            raise stomp.StompProtocolError('"content" must be a string')
        self.party_ids.add(int(match.group(1)))
        log_bind(party_id=int(match.group(1)))
        await batching.submit(
            MessageDraft(
                party_id=int(match.group(1)),
                user=cast(User, self.user),  # CONNECT (before any SEND) refused anonymous users
                content=content,
            )
        )

    async def on_disconnect(self, frame: stomp.Frame) -> None:
        receipt_id = frame.header("receipt")
        if receipt_id is not None:
            await self.send_frame(stomp.receipt(receipt_id))
        self.close_reason = self.close_reason or "client_disconnect"
        await self.shut()

    # --- outbound -----------------------------------------------------------------------

    async def delivery_interrupted(self) -> None:
        """This process may have missed messages (the channel layer was unreachable): close
        with an ERROR the client treats as "reconnect and catch up from history"."""
        await self.fail(
            "실시간 연결이 잠시 끊겼어요. 다시 연결해서 놓친 메시지를 불러올게요",
            code="delivery_interrupted",
        )

    async def _register_account(self) -> None:
        delay = 0.5
        while not self.closing:
            try:
                await account_hub().add(cast(User, self.user).pk, self)
            except HubUnavailable:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if self.closing:  # closed while registering: undo
                await account_hub().remove(cast(User, self.user).pk, self)
            else:
                self.account_registered = True
            return

    async def account_ended(self) -> None:
        """The account was suspended: this connection ends now."""
        await self.fail("이용이 정지된 계정이에요", code="account_suspended")

    async def room_closed(self) -> None:
        """The party was cancelled: its room takes no more messages."""
        await self.fail("파티가 취소되어 채팅방이 닫혔어요", code="chat_closed")

    def subscription_revoked(self, sub_id: str) -> None:
        """The hub ended this subscription: its member left the party."""
        self.subscriptions.pop(sub_id, None)

    async def send_frame(self, frame: stomp.Frame, *, last: bool = False) -> None:
        await self.send_data(stomp.as_websocket_data(frame), last=last)

    async def send_data(self, data: str | bytes | OutgoingMessage, *, last: bool = False) -> None:
        """Send one serialized frame (the hub prepares a MESSAGE once for many: an
        ``OutgoingMessage``, written straight to the connection where the server allows it).

        A client that has left more than ``max_pending_output_bytes`` unread gets ERROR
        ``slow consumer`` and is closed, instead of the server buffering without end.
        ``last`` is the ERROR before a close: it is sent whatever the backlog."""
        if self.closing:
            return
        server_send = self.scope.get(SERVER_SEND)
        pending = pending_output_bytes(server_send)
        if not last and pending is not None and pending > self.max_pending_output:
            logger.info("STOMP session %s: %d bytes unread, closing", self.session_id, pending)
            await self.fail(
                _("받지 못한 메시지가 너무 많이 쌓였어요. 다시 연결해서 불러올게요."),
                code="slow_consumer",
            )
            return
        if isinstance(data, OutgoingMessage):
            if write_direct(server_send, data):
                self.frames_out += 1
                return
            data = data.data
        if isinstance(data, str):
            await self.send(text_data=data)
        else:
            await self.send(bytes_data=data)
        self.frames_out += 1

    async def fail(
        self,
        message: str,
        *,
        receipt_id: str | None = None,
        details: str | None = None,
        code: str | None = None,
    ) -> None:
        frame = stomp.error(message, body=details or "", receipt_id=receipt_id)
        if code:
            frame.headers.append(("code", code))
        if getattr(self, "close_reason", "") is None:
            self.close_reason = code or "error"
        logger.info("STOMP error for session %s: %s", getattr(self, "session_id", "-"), message)
        await self.send_frame(frame, last=True)
        await self.shut()

    async def shut(self) -> None:
        if not self.closing:
            self.closing = True
            await self.close()

    def _log_session(self, code) -> None:
        """The session's line: who, which parties, how much, how long, why it ended."""
        if not hasattr(self, "opened_at"):
            return  # refused at the handshake: daphne's and nginx's lines tell of it
        duration_ms = round((time.monotonic() - self.opened_at) * 1000, 1)
        # The server names its reason whenever it closes; anything else was the client.
        reason = self.close_reason or "client_closed"
        session_logger.info(
            "STOMP session %s ended (%s) after %.1fms: %d frames in, %d out",
            self.session_id,
            reason,
            duration_ms,
            self.frames_in,
            self.frames_out,
            extra={
                "session_id": self.session_id,
                "user_id": self.user.pk if self.user.is_authenticated else None,
                "party_ids": sorted(self.party_ids),
                "frames_in": self.frames_in,
                "frames_out": self.frames_out,
                "duration_ms": duration_ms,
                "close_reason": reason,
                "close_code": code,
                "client": scope_client_address(self.scope),
            },
        )

    # --- heart-beats --------------------------------------------------------------------

    async def _send_heartbeats(self, every_ms: int) -> None:
        while not self.closing:
            await asyncio.sleep(every_ms / 1000)
            await self.send(text_data="\n")

    async def _watch_peer(self, every_ms: int) -> None:
        # Spec: allow for timing inaccuracy; we give the client twice its period.
        grace = 2 * every_ms / 1000
        while not self.closing:
            await asyncio.sleep(every_ms / 1000)
            if time.monotonic() - self.last_received > grace:
                logger.info("STOMP session %s: peer silent, closing", self.session_id)
                self.close_reason = self.close_reason or "peer_silent"
                await self.shut()
