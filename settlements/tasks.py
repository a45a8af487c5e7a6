"""Celery tasks for settlements. Thin: call the service."""

from celery import shared_task

from settlements.services import settlement_erase_old_accounts, settlement_reminders_send


@shared_task(name="settlements.send_reminders")
def send_reminders() -> int:
    return settlement_reminders_send()


@shared_task(name="settlements.erase_old_accounts")
def erase_old_accounts() -> int:
    return settlement_erase_old_accounts()
