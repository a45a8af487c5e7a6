"""WebSocket authentication and origin checks for the STOMP endpoint."""

from urllib.parse import parse_qs, urlparse

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from accounts.tokens import bearer_token, user_for_token_sync
from common.net import proxies_trusted_for, scope_headers

__all__ = ["bearer_token", "user_for_token", "user_for_token_sync"]

user_for_token = database_sync_to_async(user_for_token_sync)


class QueryTokenAuthMiddleware:
    """``?token=<access JWT>`` on the handshake URL authenticates the connection.

    Runs inside ``AuthMiddlewareStack``, so a session cookie already set ``scope["user"]``;
    a token, when given, wins (a mobile client has no cookie).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [None])[0]
        if token:
            scope = dict(scope, user=await user_for_token(token))
        return await self.app(scope, receive, send)


def _origin_key(scheme: str, host: str, port: int | None) -> tuple[str, str, int]:
    return scheme, host.lower(), port or (443 if scheme == "https" else 80)


def _parse_origin(value: str) -> tuple[str, str, int] | None:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None  # "null" (sandboxed frames, file://) and anything else odd
    try:
        port = parsed.port
    except ValueError:
        return None
    return _origin_key(parsed.scheme, parsed.hostname, port)


def _own_origin(scope, headers: dict[str, str]) -> tuple[str, str, int] | None:
    """The origin of the page this server would have served to the browser: the handshake's
    ``Host`` (one of ``ALLOWED_HOSTS``) and its scheme (``X-Forwarded-Proto`` only from a
    trusted proxy)."""
    host_header = headers.get("host", "")
    host, port = split_domain_port(host_header)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    if proxies_trusted_for((scope.get("client") or [None])[0]):
        proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        secure = secure or proto == "https"
    return _origin_key("https" if secure else "http", host, int(port) if port else None)


def _trusted_origin(origin: tuple[str, str, int]) -> bool:
    """One of ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.com`` covers its subdomains)."""
    scheme, host, port = origin
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        parsed = urlparse(trusted)
        if parsed.scheme != scheme or not parsed.hostname:
            continue
        if (parsed.port or (443 if scheme == "https" else 80)) != port:
            continue
        pattern = parsed.hostname.lower()
        if pattern == host or (
            pattern.startswith("*.") and (host.endswith(pattern[1:]) or host == pattern[2:])
        ):
            return True
    return False


class SameOriginWebsocket:
    """Refuse (403 at the handshake) a WebSocket opened by a page of another origin.

    A browser sends the session cookie with any WebSocket to this host, whichever site's page
    opens it, and always says which origin did: that origin must be this site's own (same
    scheme, host and port) or one of ``CSRF_TRUSTED_ORIGINS``. Comparing host names alone let a
    page on ``http://127.0.0.1:9999`` chat as the victim. Native clients (stomp.py, Node, the
    mobile app) send no Origin and cannot be driven by another site's page: they are let
    through, and authenticate with a token.
    """

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            headers = scope_headers(scope)
            origin = headers.get("origin")
            if origin is not None and not self.allowed(scope, headers, origin):
                return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

    @staticmethod
    def allowed(scope, headers: dict[str, str], origin: str) -> bool:
        parsed = _parse_origin(origin)
        if parsed is None:
            return False
        return parsed == _own_origin(scope, headers) or _trusted_origin(parsed)
