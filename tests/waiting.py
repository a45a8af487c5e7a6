"""Waiting on a condition instead of sleeping a fixed time (the suite runs on loaded machines)."""

import time
from collections.abc import Callable


def wait_for(condition, *, timeout: float, message: str | Callable[[], str]) -> None:
    """Until ``condition()`` is true; fails with ``message`` after ``timeout`` seconds (a
    callable message is asked then: a process's log as it is at the failure, say)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message() if callable(message) else message
        time.sleep(0.05)
