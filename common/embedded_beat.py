"""Celery beat for embedded mode: the schedule in ``CELERY_BEAT_SCHEDULE`` run by a daemon
thread inside the one `make run` process (there is no broker, worker or beat there).

Started by ``CommonConfig.ready`` only when ``GONGGU_EMBEDDED_BEAT=1`` (set by `make run`) and
no ``RABBITMQ_URL`` is configured; services mode runs the real `celery beat` process.
"""

import logging
import os
import threading
import time
from datetime import datetime, timedelta

from celery import current_app
from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)
_started = threading.Event()


def _as_schedule(value) -> BaseSchedule:
    if isinstance(value, BaseSchedule):
        return value
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return schedule(timedelta(seconds=seconds))


def run_due(last_runs: dict[str, datetime], *, now: datetime | None = None) -> float:
    """Run every entry that is due; return how many seconds until the next check."""
    now = now or timezone.now()
    current_app.loader.import_default_modules()  # task modules are discovered lazily
    wait = 60.0
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        entry_schedule = _as_schedule(entry["schedule"])
        last = last_runs.get(name)
        if last is None:
            due, next_check = True, entry_schedule.remaining_estimate(now).total_seconds()
        else:
            due, next_check = entry_schedule.is_due(last)
        if due:
            last_runs[name] = now
            try:
                current_app.tasks[entry["task"]].apply(args=entry.get("args", ()))
            except Exception:
                logger.exception("embedded beat: %s failed", name)
        wait = min(wait, max(1.0, float(next_check)))
    return wait


def _loop() -> None:
    last_runs: dict[str, datetime] = {}
    while True:
        close_old_connections()
        wait = run_due(last_runs)
        close_old_connections()
        time.sleep(wait)


def start_if_enabled() -> bool:
    if os.environ.get("GONGGU_EMBEDDED_BEAT") != "1" or settings.RABBITMQ_URL:
        return False
    if _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_loop, name="embedded-beat", daemon=True).start()
    logger.info("embedded beat started: %s", ", ".join(settings.CELERY_BEAT_SCHEDULE))
    return True
