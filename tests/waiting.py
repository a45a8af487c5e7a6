"""Waiting on a condition instead of sleeping a fixed time (the suite runs on loaded machines)."""

import time


def wait_for(condition, *, timeout: float, message: str) -> None:
    """Until ``condition()`` is true; fails with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)
