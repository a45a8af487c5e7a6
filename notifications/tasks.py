"""Celery tasks for notifications. Thin: call the relay."""

from celery import shared_task

from notifications.relay import dispatch_pending_inprocess


@shared_task(name="notifications.dispatch_pending")
def dispatch_pending() -> int:
    """Embedded mode: run the reactions of every event still pending (a crash's leftovers)."""
    return dispatch_pending_inprocess()
