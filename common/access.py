"""One access line per HTTP request (logger ``gonggu.access``), and each request's log context.

``AccessLogMiddleware`` wraps the whole ASGI application (``config/asgi.py``), so it sees
every request, the SSE streams routed ahead of Django included, and times all of it. It gives
the request an id (the ``X-Request-ID`` nginx sends, if it looks like one, else a new one),
echoes it in the response's ``X-Request-ID``, opens the log context (``common.logs``) and,
when the application is done, logs one line: method, path (query values that may be
credentials redacted), status, duration, bytes, client address (``common.net``: trusted
proxies only), request id, user id and party id where known. A stream (SSE) is logged when
it ends, with its whole duration (``"stream": true``): an access line is written once a
response is complete, as nginx writes its own.

``RequestLogMiddleware`` (first in ``MIDDLEWARE``) adds what only Django knows: the party of
a URL with a ``party_id``, and the user after authentication (DRF authenticates JWTs inside
the view and sets it on the request). Without the ASGI wrapper (Django's test client, a WSGI
server) it opens the context and writes the access line itself.

WebSocket connections get a context with a request id too; the STOMP consumer writes its own
line per session (``gonggu.chat``).
"""

import contextvars
import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, quote, urlencode

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.utils.functional import SimpleLazyObject, empty

from common import logs
from common.net import request_client_address, scope_client_address, scope_headers

access_logger = logging.getLogger("gonggu.access")

REQUEST_ID_HEADER = "X-Request-ID"
# What a request id from outside may look like (nginx's $request_id: 32 hex digits); anything
# else is replaced, so a client cannot put arbitrary text into every line of a request.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# Query parameters whose values are not logged: credentials (``?token=`` of the streams and
# the WebSocket) and anything named like one.
_SECRET_QUERY_NAMES = frozenset({"token", "access", "refresh", "ticket", "code", "password"})
_SECRET_QUERY_PARTS = ("token", "key", "secret", "pass", "session", "auth", "sig", "csrf")
MAX_LOGGED_PATH = 2000

# Set by the ASGI wrapper: it writes the access line, the Django middleware does not.
_asgi_logged: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "gonggu_access_asgi", default=False
)


def request_id_from(value: str | None) -> str:
    """The incoming id if it looks sane, else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value) and not value.startswith("eyJ"):
        return value
    return uuid.uuid4().hex


def _secret_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_QUERY_NAMES or any(part in lowered for part in _SECRET_QUERY_PARTS)


def loggable_path(path: str, query_string: str) -> str:
    """The path and query to log: values of credential-like parameters replaced."""
    if query_string:
        pairs = [
            (name, logs.REDACTED if _secret_name(name) else value)
            for name, value in parse_qsl(query_string, keep_blank_values=True)
        ]
        path = f"{path}?{urlencode(pairs, quote_via=quote, safe='[]')}"
    return path[:MAX_LOGGED_PATH]


def log_access(
    *,
    method: str,
    path: str,
    status: int,
    started: float,
    client: str,
    size: int | None = None,
    stream: bool = False,
) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    extra = {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "client": client,
    }
    if size is not None:
        extra["bytes"] = size
    if stream:
        extra["stream"] = True  # logged at the end of the stream; the duration is all of it
    access_logger.info("%s %s %s %.1fms", method, path, status, duration_ms, extra=extra)


class AccessLogMiddleware:
    """ASGI: the request id, the log context and the access line (see the module)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            request_id = request_id_from(scope_headers(scope).get("x-request-id"))
            with logs.log_context(request_id=request_id):
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send) -> None:
        started = time.perf_counter()
        request_id = request_id_from(scope_headers(scope).get("x-request-id"))
        echoed = (b"x-request-id", request_id.encode("ascii"))
        response: dict = {"status": None, "bytes": 0, "stream": False}

        async def send_logged(message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                headers = [h for h in message.get("headers") or [] if h[0].lower() != echoed[0]]
                response["stream"] = any(
                    name.lower() == b"content-type" and value.startswith(b"text/event-stream")
                    for name, value in headers
                )
                message = {**message, "headers": [*headers, echoed]}
            elif message["type"] == "http.response.body":
                response["bytes"] += len(message.get("body") or b"")
            await send(message)

        marker = _asgi_logged.set(True)
        failed: BaseException | None = None
        with logs.log_context(request_id=request_id):
            try:
                await self.app(scope, receive, send_logged)
            except BaseException as error:
                failed = error
                raise
            finally:
                status = response["status"]
                if status is None:
                    # No response: the client left (499, as nginx says) or the app failed.
                    status = 500 if failed is not None and isinstance(failed, Exception) else 499
                log_access(
                    method=scope.get("method", ""),
                    path=loggable_path(
                        scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
                    ),
                    status=status,
                    started=started,
                    client=scope_client_address(scope),
                    size=response["bytes"],
                    stream=response["stream"],
                )
                _asgi_logged.reset(marker)


def _user_id(request) -> int | None:
    """The authenticated user's id if authentication already ran; never a query of its own
    (an unevaluated lazy user stays unevaluated: a log line costs no database trip)."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # a user that cannot be read is no reason to fail the response
        return None


def _bind_party(view_kwargs: dict) -> None:
    party_id = view_kwargs.get("party_id")
    if isinstance(party_id, int):
        logs.bind(party_id=party_id)


class RequestLogMiddleware:
    """Django: binds party id (URL ``party_id``) and user id; the access line itself when
    there is no ASGI wrapper (see the module). Sync and async, so that it costs no thread
    hop under ASGI."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
            # Django runs a sync process_view in a thread under ASGI: give it a coroutine.
            self.process_view = self._process_view_async  # type: ignore[method-assign,assignment]

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        state = self._open(request)
        try:
            response = self.get_response(request)
        except BaseException:
            self._close(state)
            raise
        return self._finish(request, response, state)

    async def _acall(self, request):
        state = self._open(request)
        try:
            response = await self.get_response(request)
        except BaseException:
            self._close(state)
            raise
        return self._finish(request, response, state)

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        _bind_party(view_kwargs)

    async def _process_view_async(self, request, view_func, view_args, view_kwargs) -> None:
        _bind_party(view_kwargs)

    def _open(self, request) -> tuple[contextvars.Token, str, float] | None:
        if _asgi_logged.get():
            return None
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        return logs.open_context(request_id=request_id), request_id, time.perf_counter()

    def _close(self, state) -> None:
        if state is not None:
            logs.close_context(state[0])

    def _finish(self, request, response, state):
        user_id = _user_id(request)
        if user_id is not None:
            logs.bind(user_id=user_id)
        if state is not None:
            _token, request_id, started = state
            response[REQUEST_ID_HEADER] = request_id
            try:
                log_access(
                    method=request.method or "",
                    path=loggable_path(request.path, request.META.get("QUERY_STRING", "")),
                    status=response.status_code,
                    started=started,
                    client=request_client_address(request),
                    stream=response.streaming,
                )
            finally:
                self._close(state)
        return response
