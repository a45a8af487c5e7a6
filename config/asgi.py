"""ASGI entry point: HTTP (pages, API, SSE) and WebSocket (STOMP chat at /ws) in one process."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from chat.auth import QueryTokenAuthMiddleware, SameOriginWebsocket  # noqa: E402
from common.access import AccessLogMiddleware  # noqa: E402
from common.metrics import counted_stream  # noqa: E402
from common.transport import ServerSendInScope  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from notifications.stream import notification_stream  # noqa: E402
from parties.live import party_live_stream  # noqa: E402

# Outermost: every request (the SSE streams too) gets its id, log context and access line.
application = AccessLogMiddleware(
    ProtocolTypeRouter(
        {
            "http": URLRouter(
                [
                    # Held for hours: a plain ASGI app, not a Django view (see its docstring).
                    path(
                        "api/v1/notifications/stream",
                        counted_stream("notifications", AuthMiddlewareStack(notification_stream)),
                    ),
                    # Public (a party's state as its card shows it to anyone): no auth needed.
                    path("api/v1/parties/live", counted_stream("party_live", party_live_stream)),
                    # Channels routes ASGI apps; django-stubs types re_path for Django views only.
                    re_path(r"", django_asgi_app),  # type: ignore[arg-type]
                ]
            ),
            # The server's own send kept for back-pressure (common.transport), the origin check,
            # then the session cookie, then an optional ?token= JWT.
            "websocket": ServerSendInScope(
                SameOriginWebsocket(
                    AuthMiddlewareStack(QueryTokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
                )
            ),
        }
    )
)

# What is loaded by now (Django, apps, URL patterns: ~120,000 objects) lives as long as the
# process: move it out of the cyclic collector's reach. Otherwise every full collection
# walks it all again: 50-180 ms pauses of the event loop measured under chat load.
gc.freeze()

# Load tests only (benchmarks/chat_load.py --server-env): log what stalls the event loop.
if os.environ.get("GONGGU_LOOP_WATCH_MS"):
    from common import loopwatch

    loopwatch.install(float(os.environ["GONGGU_LOOP_WATCH_MS"]))
