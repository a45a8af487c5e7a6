"""A small real Server-Sent Events client for tests: one HTTP connection read by a thread.

It parses the stream as the EventSource spec does (``id``, ``event``, ``data`` lines, a blank
line ends an event, ``:`` lines are comments, ``retry`` sets the reconnection delay) and keeps
everything it saw, so tests can wait for events and assert on comments and ``retry``.
"""

import contextlib
import http.client
import json
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse


@dataclass
class SseEvent:
    id: str | None
    event: str
    data: str

    @property
    def json(self) -> dict:
        return json.loads(self.data)


class SseClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        last_event_id: str | None = None,
        query: dict | None = None,
        path: str = "/api/v1/notifications/stream",
        timeout: float = 30.0,
    ) -> None:
        parsed = urlparse(base_url)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        target = path + (f"?{urlencode(query)}" if query else "")
        self.conn.request("GET", target, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.headers = dict(self.response.getheaders())
        self.events: queue.Queue[SseEvent] = queue.Queue()
        self.comments: list[str] = []
        self.retry: int | None = None
        self.closed = threading.Event()
        if self.status == 200:
            self._thread = threading.Thread(target=self._read, daemon=True)
            self._thread.start()
        else:
            self.body = self.response.read()
            self.conn.close()

    def _read(self) -> None:
        event_id, event_type, data = None, "message", []
        try:
            while True:
                raw = self.response.readline()
                if not raw:
                    break
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data:
                        self.events.put(SseEvent(event_id, event_type, "\n".join(data)))
                    event_type, data = "message", []
                    continue
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    continue
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "id":
                    event_id = value
                elif field == "event":
                    event_type = value
                elif field == "data":
                    data.append(value)
                elif field == "retry" and value.isdigit():
                    self.retry = int(value)
        except Exception:  # the connection was closed under the reader: that ends the stream
            pass
        finally:
            self.closed.set()

    def wait_listening(self, timeout: float = 10.0) -> None:
        """Until the stream is listening: the server sends ``retry:`` once it has joined the
        live feed (before replaying), so anything sent after this is delivered."""
        deadline = time.monotonic() + timeout
        while self.retry is None:
            assert time.monotonic() < deadline, "the stream never started"
            assert not self.closed.is_set(), "the stream ended before it started"
            time.sleep(0.02)

    def wait_for_comments(self, text: str, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.comments.count(text) < count:
            assert time.monotonic() < deadline, f"fewer than {count} {text!r} comments"
            time.sleep(0.02)

    def next_event(self, timeout: float = 5.0) -> SseEvent:
        return self.events.get(timeout=timeout)

    def events_within(self, seconds: float) -> list[SseEvent]:
        """Every event that arrives in the next ``seconds``."""
        found, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                found.append(self.events.get(timeout=left))
            except queue.Empty:
                break
        return found

    def close(self) -> None:
        if self.conn.sock is not None:
            with contextlib.suppress(OSError):
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()

    def __enter__(self) -> "SseClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ReconnectingSseClient:
    """What a browser's EventSource does: when the stream ends or fails, wait ``retry``
    milliseconds (the server's ``retry:``) and reconnect with ``Last-Event-ID`` of the last
    event seen. Keeps every event received, duplicates included, and counts connections."""

    def __init__(self, base_url: str, *, token: str, last_event_id: str | None = None) -> None:
        self.base_url, self.token = base_url, token
        self.last_event_id = last_event_id
        self.events: list[SseEvent] = []
        self.connections = 0
        self.retry_ms = 3000
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._current: SseClient | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                stream = SseClient(
                    self.base_url, token=self.token, last_event_id=self.last_event_id
                )
            except OSError:
                self._stop.wait(self.retry_ms / 1000)
                continue
            self._current = stream
            self.connections += 1
            if stream.status == 200:
                self._connected.set()
                while not (stream.closed.is_set() and stream.events.empty()):
                    try:
                        event = stream.events.get(timeout=0.1)
                    except queue.Empty:
                        if self._stop.is_set():
                            break
                        continue
                    self.events.append(event)
                    self.last_event_id = event.id
                self.retry_ms = stream.retry or self.retry_ms
            stream.close()
            self._stop.wait(self.retry_ms / 1000)

    def wait_connected(self, timeout: float = 10.0) -> None:
        assert self._connected.wait(timeout), "the stream never opened"

    def ids(self) -> list[int]:
        return [int(event.id) for event in self.events if event.id]

    def close(self) -> None:
        self._stop.set()
        if self._current is not None:
            self._current.close()
        self._thread.join(5)
