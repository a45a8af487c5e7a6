"""Celery task: one notification to one browser. Thin: ``services.push_deliver`` sends and
records; this task retries what failed for now, with backoff, and then gives up (logged)."""

import logging

from celery import shared_task

from webpush.services import PushOutcome, push_deliver, push_quiet_digests_send

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def retry_delay(retries: int) -> int:
    """Seconds before retry ``retries + 1``: 30 s, 1 min, 2 min, … at most an hour."""
    return int(min(30 * 2**retries, 3600))


@shared_task(name="webpush.send", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def push_send(self, notification_id: int, subscription_id: int) -> str:
    outcome = push_deliver(notification_id=notification_id, subscription_id=subscription_id)
    if outcome is PushOutcome.RETRY:
        # Eager (embedded mode) runs inside the request that caused it: no waiting there.
        if self.request.retries >= MAX_RETRIES or self.request.is_eager:
            logger.error(
                "push of notification %s to subscription %s: gave up after %d tries",
                notification_id,
                subscription_id,
                self.request.retries + 1,
            )
            return PushOutcome.FAILED.value
        raise self.retry(countdown=retry_delay(self.request.retries))
    return outcome.value


@shared_task(name="webpush.quiet_digests")
def quiet_digests_send() -> int:
    """The beat's morning digest of pushes held in quiet hours (every 5 minutes)."""
    return push_quiet_digests_send()
