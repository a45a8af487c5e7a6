"""Prometheus metrics: every ``gonggu_`` metric is defined here; apps import and touch them in
one line where the thing happens (``common`` is the floor: it imports no app, so an app that
owns a table registers its scrape-time collector from its ``AppConfig.ready``).

One process (``make run``, tests): a plain registry, with the process metrics
prometheus_client gives for free. Several processes on one machine (N daphne, the dispatcher,
Celery): set ``PROMETHEUS_MULTIPROC_DIR`` to a directory every process may write, **emptied
when the deployment starts** (before any process runs). Each process then keeps its values in
memory-mapped files there and any web process's ``/metrics`` sums them all: counters and
histograms add up across processes, connection gauges are ``livesum`` (the live processes'
sum). A process leaving cleanly removes its gauge files (``atexit``); a crashed one's are
removed at the next scrape (its pid is gone), so its connections stop counting. Process
metrics (CPU, memory) are not exposed in that mode (prometheus_client cannot sum them).

``/metrics`` (``common.views.metrics``) is off unless ``METRICS_TOKEN`` is set, and then asks
for ``Authorization: Bearer <token>``.
"""

import atexit
import functools
import glob
import hmac
import logging
import os
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

# prometheus_client picks multi-process mode when the variable exists at all, even empty
# (then fails on the first metric): an empty one from an environment file means "off".
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROC_DIR:
    os.makedirs(MULTIPROC_DIR, exist_ok=True)

from prometheus_client import (  # noqa: E402 (after the environment is settled)
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector  # noqa: E402

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# --- connections --------------------------------------------------------------------------
WEBSOCKET_CONNECTIONS = Gauge(
    "gonggu_websocket_connections",
    "Open STOMP WebSocket connections (/ws).",
    multiprocess_mode="livesum",
)
SSE_CONNECTIONS = Gauge(
    "gonggu_sse_connections",
    "Open Server-Sent Events streams, by stream.",
    ["stream"],
    multiprocess_mode="livesum",
)

# --- chat ---------------------------------------------------------------------------------
CHAT_MESSAGES_STORED = Counter(
    "gonggu_chat_messages_stored", "Chat messages members sent that were stored."
)
CHAT_MESSAGES_DELIVERED = Counter(
    "gonggu_chat_messages_delivered", "MESSAGE frames handed to subscribers' connections."
)
# Around the 100 ms delivery target: fine steps below it, coarse above.
CHAT_DELIVERY_SECONDS = Histogram(
    "gonggu_chat_delivery_seconds",
    "From a chat message stored to its MESSAGE frame sent by a web process (per message and "
    "process: the last of that process's subscribers).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# --- notifications ------------------------------------------------------------------------
DISPATCH_LAG_SECONDS = Histogram(
    "gonggu_dispatch_lag_seconds",
    "From a domain event written to the outbox to its reactions (notifications) done.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0),
)

# --- background work ----------------------------------------------------------------------
CELERY_TASKS = Counter(
    "gonggu_celery_tasks", "Celery task runs by outcome (success, failure, retry).",
    ["task", "outcome"],
)  # fmt: skip
IMPORT_RUNS = Counter(
    "gonggu_import_runs", "Data import runs by source and outcome.", ["source", "outcome"]
)


# --- instrumentation helpers (one line at each site) --------------------------------------
def connection_opened(gauge: Gauge) -> Callable[[], None]:
    """Count one open connection; returns what to call when it closes (once; later calls
    do nothing, so a close path that runs twice cannot count a connection out twice)."""
    gauge.inc()
    closed = False

    def close() -> None:
        nonlocal closed
        if not closed:
            closed = True
            gauge.dec()

    return close


def not_counted() -> None:
    """The closer of a connection that was never counted (refused before it opened)."""


def counted_stream(stream: str, app: Any) -> Any:
    """An SSE endpoint (a plain ASGI app) whose open streams count in ``SSE_CONNECTIONS``:
    from its 200 response to its end. Refusals (401, 400) never count."""
    gauge = SSE_CONNECTIONS.labels(stream=stream)

    async def counted(scope: dict, receive: Any, send: Any) -> None:
        close = not_counted

        async def watching_send(message: dict) -> None:
            nonlocal close
            if message["type"] == "http.response.start" and message.get("status") == 200:
                close = connection_opened(gauge)
            await send(message)

        try:
            await app(scope, receive, watching_send)
        finally:
            close()

    return counted


def chat_message_delivered(*, created_at: str, frames: int) -> None:
    """A stored message (``created_at`` as its MESSAGE body carries it) handed to ``frames``
    local subscriptions just now."""
    if frames:
        CHAT_MESSAGES_DELIVERED.inc(frames)
        CHAT_DELIVERY_SECONDS.observe(max(0.0, time.time() - _timestamp(created_at)))


def event_dispatched(*, occurred_at: datetime) -> None:
    DISPATCH_LAG_SECONDS.observe(max(0.0, time.time() - occurred_at.timestamp()))


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def counts_import_runs(source: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate an import service: each call counts in ``IMPORT_RUNS`` as ``succeeded`` when
    it returns, ``failed`` when it raises. (An import that records its own outcome, like the
    catalog's ``ImportRun``, counts that instead.)"""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = func(*args, **kwargs)
            except BaseException:
                IMPORT_RUNS.labels(source=source, outcome="failed").inc()
                raise
            IMPORT_RUNS.labels(source=source, outcome="succeeded").inc()
            return result

        return run

    return decorate


def count_celery_task_outcomes() -> None:
    """Count every Celery task's outcome (``config.celery`` calls this once)."""
    from celery import signals

    def outcome(name: str) -> Callable[..., None]:
        def count(sender: Any = None, **_: Any) -> None:
            CELERY_TASKS.labels(task=getattr(sender, "name", "unknown"), outcome=name).inc()

        return count

    for signal, name in (
        (signals.task_success, "success"),
        (signals.task_failure, "failure"),
        (signals.task_retry, "retry"),
    ):
        signal.connect(outcome(name), weak=False, dispatch_uid=f"gonggu-metrics-{name}")
    if MULTIPROC_DIR:
        # A pool child's gauges leave with it (atexit may not run in a forked child).
        signals.worker_process_shutdown.connect(
            lambda **_: _forget_process(os.getpid()), weak=False, dispatch_uid="gonggu-metrics"
        )


# --- exposition ---------------------------------------------------------------------------
_scrape_collectors: list[Collector] = []


def register_scrape_collector(collector: Collector) -> None:
    """A collector that reads its values when scraped (the outbox backlog, say)."""
    _scrape_collectors.append(collector)
    if not MULTIPROC_DIR:
        REGISTRY.register(collector)


def exposition() -> tuple[bytes, str]:
    """The scrape: ``(body, content type)`` in the Prometheus text format."""
    if not MULTIPROC_DIR:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    _forget_dead_processes()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in _scrape_collectors:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def bearer_token_matches(authorization: str, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db$")


def _forget_process(pid: int) -> None:
    multiprocess.mark_process_dead(pid, MULTIPROC_DIR)


def _forget_dead_processes() -> None:
    """Live gauges of processes that died without leaving (killed, crashed) stop counting."""
    pids = set()
    for path in glob.glob(os.path.join(MULTIPROC_DIR, "gauge_live*_*.db")):
        match = _LIVE_GAUGE_FILE.search(path)
        if match:
            pids.add(int(match.group(1)))
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _forget_process(pid)
        except PermissionError:
            pass  # alive, another user's


if MULTIPROC_DIR:
    # The pid at exit, not now: a forked child leaving must not remove its parent's files.
    atexit.register(lambda: _forget_process(os.getpid()))
