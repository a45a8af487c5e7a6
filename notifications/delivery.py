"""Other ways to reach a resident than the inbox and their open streams (Web Push), plugged
in at start-up by an app above this one — the way ``catalog.demand`` borrows the parties'
count — so that notifications never import them.

A delivery gets the notifications just stored, after their transaction commits; it must not
raise (a failure of its own is its own to retry: the notification is already in the inbox).
"""

import logging
from collections.abc import Callable, Sequence

from django.db import transaction

from notifications.models import Notification

logger = logging.getLogger(__name__)

Deliver = Callable[[Sequence[Notification]], None]

_deliveries: dict[str, Deliver] = {}


def register_delivery(name: str, deliver: Deliver) -> None:
    _deliveries[name] = deliver


def deliver_after_commit(notifications: Sequence[Notification]) -> None:
    if not notifications or not _deliveries:
        return

    def deliver_all() -> None:
        for name, deliver in _deliveries.items():
            try:
                deliver(notifications)
            except Exception:  # the inbox has it; one channel failing never blocks another
                logger.exception("delivery %s failed: %d notifications", name, len(notifications))

    transaction.on_commit(deliver_all)
