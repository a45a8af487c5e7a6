"""The Web Push delivery (``notifications.delivery``): called after the notifications'
transaction commits, it queues one Celery task per (notification, subscribed browser) so
that a slow or failing push service never holds up the dispatcher, and a retry resends to
the one browser that failed, not to all of them."""

import logging
from collections import defaultdict
from collections.abc import Sequence

from notifications.models import Notification
from webpush.selectors import subscriptions_of
from webpush.tasks import push_send
from webpush.vapid import push_enabled

logger = logging.getLogger(__name__)

# What one action causes is one notification that grows for a moment (a join that fills a
# party: joined, then closed, then the chat room): the push waits this long and sends the
# notification as it is then (push_deliver reads it when the task runs).
COLLAPSE_SECONDS = 3


def deliver(notifications: Sequence[Notification]) -> None:
    if not push_enabled() or not notifications:
        return
    browsers: dict[int, list[int]] = defaultdict(list)
    for user_id, subscription_id in subscriptions_of(user_ids={n.user_id for n in notifications}):
        browsers[user_id].append(subscription_id)
    for notification in notifications:
        for subscription_id in browsers.get(notification.user_id, ()):
            push_send.apply_async((notification.pk, subscription_id), countdown=COLLAPSE_SECONDS)
