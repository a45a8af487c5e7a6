"""The baseline of ``sse_load.py``: a bare Django async streaming view under daphne.

No database, no auth, no channel layer: one async generator per connection that sends
``retry:`` and then a keep-alive comment every 15 s. Served with

    cd benchmarks && daphne sse_baseline:application
"""

import asyncio

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="sse-baseline-only-" + "x" * 40,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import StreamingHttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


async def _events():
    yield "retry: 3000\n\n"
    while True:
        await asyncio.sleep(15)
        yield ": keep-alive\n\n"


async def stream(request):
    response = StreamingHttpResponse(_events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [path("api/v1/notifications/stream", stream)]
application = get_asgi_application()
