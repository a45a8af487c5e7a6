"""WebSocket authentication and origin checks for the STOMP endpoint."""

from urllib.parse import parse_qs, urlparse

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings

from accounts.tokens import bearer_token, user_for_token_sync

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


class BrowserOriginValidator(OriginValidator):
    """Browsers always send Origin: it must be one of ours (the allowed hosts or the CORS
    origins). Native clients (stomp.py, Node, the mobile app) send none and cannot be driven
    by another site's page, so a missing Origin is accepted."""

    def __init__(self, application) -> None:
        super().__init__(application, ["*"])

    def valid_origin(self, parsed_origin) -> bool:
        if parsed_origin is None:
            return True
        hosts = settings.ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
        origins = {urlparse(o).hostname for o in settings.CORS_ALLOWED_ORIGINS}
        host = parsed_origin.hostname
        return host in origins or any(
            self.match_allowed_origin(parsed_origin, pattern) for pattern in hosts
        )
