"""How much a connection's server has buffered for the client and not yet sent.

ASGI gives an application no back-pressure on ``websocket.send``: a server buffers whatever
the application sends, however slowly the client reads (one stalled reader grew daphne by
175 MB in 30 s). Under daphne the server's ``send`` callable is ``partial(server.handle_reply,
protocol)``; the protocol's Twisted transport holds the unsent bytes (``dataBuffer`` from
``offset`` on, plus ``_tempDataLen`` not yet joined into it). Read from there; under any other
server this answers None (unknown) and callers go without the bound.

Middleware between the server and the application (Channels' session middleware) wraps
``send``; ``ServerSendInScope``, outermost, keeps the server's own callable in the scope.
"""

SCOPE_KEY = "gonggu.server_send"


class ServerSendInScope:
    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        return await self.application({**scope, SCOPE_KEY: send}, receive, send)


def pending_output_bytes(send) -> int | None:
    protocol = (getattr(send, "args", None) or (None,))[0]
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return None
    try:
        buffered = len(transport.dataBuffer) - transport.offset + transport._tempDataLen
    except (AttributeError, TypeError):
        return None
    queued = sum(len(data) for data, _sync in getattr(protocol, "send_queue", ()) or ())
    return buffered + queued
