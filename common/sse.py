"""The plumbing every Server-Sent Events stream here shares (the notification stream, the
parties' live state): plain ASGI apps routed ahead of Django (``config/asgi.py``; why, in
``notifications.stream``). Errors leave as the API's JSON shape; a stream starts with the
headers that keep proxies from buffering it and the browser's reconnect delay."""

import asyncio
import json
from typing import Any

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


# What ``next_item`` answers when the client went away before anything arrived.
GONE = object()


async def next_item(queue: Any, gone: asyncio.Future, send) -> Any:
    """The next item of ``queue`` (a stream's hub queue), sending a keep-alive comment every
    ``SSE_KEEPALIVE_SECONDS`` while none comes; ``GONE`` once the client disconnected."""
    while not gone.done():
        getting = asyncio.ensure_future(queue.get())
        done, _pending = await asyncio.wait(
            {getting, gone},
            timeout=settings.SSE_KEEPALIVE_SECONDS,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if getting in done:
            return getting.result()
        getting.cancel()
        if not gone.done():
            await send_body(send, b": keep-alive\n\n")
    return GONE


async def end_stream(send, gone: asyncio.Future) -> None:
    """Close the response, unless the client already went away."""
    if not gone.done():
        await send({"type": "http.response.body", "body": b"", "more_body": False})
