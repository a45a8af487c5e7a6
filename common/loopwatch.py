"""Event-loop stall finder for load tests: ``GONGGU_LOOP_WATCH_MS=<ms>`` in a web process.

Off unless that variable is set (``config.asgi`` installs it); not for production traffic. A
delivery's latency includes every callback the loop runs before it, so the tail of chat
latency is made of the loop's longest callbacks and of the pauses between them (the cyclic
collector, the GIL held by a worker thread). This times every callback the loop runs
(``asyncio.Handle._run``) and every collection (``gc.callbacks``), probes how late a 5 ms
sleep wakes up, and logs, every ``REPORT_SECONDS``, one summary line at WARNING: the probe's
lag (p50/p99/max), callbacks over the threshold by name (count, total and longest ms), and
collections by generation (count, total and longest ms). Each callback over the threshold is
also logged on its own line, with when it ended.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import time
from collections import Counter, defaultdict

logger = logging.getLogger("gonggu.loopwatch")

REPORT_SECONDS = 5.0
PROBE_SECONDS = 0.005


class _Watch:
    def __init__(self, threshold_ms: float) -> None:
        self.threshold = threshold_ms / 1000
        self.slow: dict[str, list[float]] = defaultdict(list)
        self.busy = 0.0  # seconds spent in callbacks since the last report
        self.callbacks = 0
        self.lags: list[float] = []
        self.gc_started = 0.0
        self.gc: dict[int, list[float]] = defaultdict(list)
        self.started = time.perf_counter()
        self.probe: asyncio.Task | None = None

    def on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.gc_started = time.perf_counter()
        else:
            self.gc[info["generation"]].append(time.perf_counter() - self.gc_started)

    def ran(self, handle: asyncio.Handle, took: float) -> None:
        self.callbacks += 1
        self.busy += took
        if took >= self.threshold:
            name = _callback_name(handle)
            self.slow[name].append(took)
            logger.warning("loop stall %.1f ms in %s", took * 1000, name)

    async def run_probe(self) -> None:
        while True:
            due = time.perf_counter() + PROBE_SECONDS
            await asyncio.sleep(PROBE_SECONDS)
            self.lags.append(time.perf_counter() - due)
            if time.perf_counter() - self.started >= REPORT_SECONDS:
                self.report()

    def report(self) -> None:
        elapsed = time.perf_counter() - self.started
        lags = sorted(self.lags) or [0.0]

        def at(q: float) -> float:
            return lags[min(len(lags) - 1, int(q * len(lags)))] * 1000

        slow = sorted(self.slow.items(), key=lambda item: -sum(item[1]))[:8]
        slow_text = "; ".join(
            f"{name} x{len(times)} {sum(times) * 1000:.0f}/{max(times) * 1000:.0f}"
            for name, times in slow
        )
        gc_text = ", ".join(
            f"gen{generation} x{len(times)} {sum(times) * 1000:.0f}/{max(times) * 1000:.0f}"
            for generation, times in sorted(self.gc.items())
        )
        logger.warning(
            "loop watch %.1f s: busy %.0f%% in %d callbacks; probe lag p50 %.1f p99 %.1f max "
            "%.1f ms; slow callbacks (count total/max ms): %s; gc (count total/max ms): %s",
            elapsed,
            100 * self.busy / elapsed,
            self.callbacks,
            at(0.5),
            at(0.99),
            lags[-1] * 1000,
            slow_text or "none",
            gc_text or "none",
        )
        if gc.garbage:
            kinds = Counter(type(item).__qualname__ for item in gc.garbage)
            logger.warning(
                "loop watch: %d objects in reference cycles freed by the collector, most: %s",
                len(gc.garbage),
                ", ".join(f"{name} x{count}" for name, count in kinds.most_common(12)),
            )
            gc.garbage.clear()
        self.slow.clear()
        self.gc.clear()
        self.lags.clear()
        self.busy, self.callbacks, self.started = 0.0, 0, time.perf_counter()


def _callback_name(handle: asyncio.Handle) -> str:
    callback = handle._callback  # type: ignore[attr-defined]
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        frame = getattr(coro, "cr_frame", None)
        where = f" (now at line {frame.f_lineno})" if frame is not None else ""
        return f"task {getattr(coro, '__qualname__', coro)}{where}"
    while isinstance(callback, functools.partial):
        callback = callback.func
    return getattr(callback, "__qualname__", None) or repr(callback)


def install(threshold_ms: float) -> None:
    """Time every callback of every loop in this process from now on."""
    watch = _Watch(threshold_ms)
    original = asyncio.events.Handle._run

    def timed_run(handle: asyncio.Handle) -> None:
        if watch.probe is None:
            watch.probe = asyncio.get_running_loop().create_task(watch.run_probe())
        started = time.perf_counter()
        original(handle)
        watch.ran(handle, time.perf_counter() - started)

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]
    gc.callbacks.append(watch.on_gc)
    if os.environ.get("GONGGU_LOOP_WATCH_GARBAGE"):
        # What the collector frees (reference cycles): kept, counted by type in the report.
        gc.set_debug(gc.DEBUG_SAVEALL)
    logger.warning("loop watch on: callbacks over %g ms are logged", threshold_ms)
