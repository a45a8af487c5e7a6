"""Celery tasks for parties. Thin: call the service."""

from celery import shared_task

from parties.services import party_reminders_send, party_settle_overdue


@shared_task(name="parties.settle_overdue")
def settle_overdue_parties() -> dict[str, int]:
    return party_settle_overdue()


@shared_task(name="parties.send_reminders")
def send_reminders() -> dict[str, int]:
    return party_reminders_send()
