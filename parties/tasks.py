"""Celery tasks for parties. Thin: call the service."""

from celery import shared_task

from parties.services import party_settle_overdue


@shared_task(name="parties.settle_overdue")
def settle_overdue_parties() -> dict[str, int]:
    return party_settle_overdue()
