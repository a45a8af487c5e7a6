"""The plumbing every Server-Sent Events stream here shares (the notification stream, the
parties' live state): plain ASGI apps routed ahead of Django (``config/asgi.py``; why, in
``notifications.stream``). Errors leave as the API's JSON shape; a stream starts with the
headers that keep proxies from buffering it and the browser's reconnect delay."""

import json

from django.conf import settings

from common.security import stream_security_headers


async def send_error(send, status: int, code: str, message: str) -> None:
    """A refusal before the stream starts: ``{"code", "message", "details"}`` like the API."""
    body = json.dumps({"code": code, "message": message, "details": {}}, ensure_ascii=False)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                *stream_security_headers(),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


async def start_stream(send) -> None:
    """The 200 and its headers, then ``retry:`` (how long the browser waits to reconnect)."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),  # proxies must not buffer the stream
                *stream_security_headers(),
            ],
        }
    )
    await send_body(send, f"retry: {settings.SSE_RETRY_MS}\n\n".encode())


async def send_body(send, data: bytes) -> None:
    await send({"type": "http.response.body", "body": data, "more_body": True})


async def until_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
