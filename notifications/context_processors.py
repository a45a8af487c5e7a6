"""The header bell: the signed-in user's unread count (and where their live stream resumes).

Lazy: the queries run only when a template reads ``bell.unread`` / ``bell.last_id``, and at
most once per request.
"""

from functools import cached_property

from django.http import HttpRequest

from notifications.kinds import KINDS
from notifications.selectors import latest_notification_id, unread_count


class Bell:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def unread(self) -> int:
        return unread_count(user_id=self.user_id)

    @cached_property
    def last_id(self) -> int:
        return latest_notification_id(user_id=self.user_id)

    @property
    def types(self) -> str:
        """Every notification type a stream may send (its live script listens to each)."""
        return " ".join(KINDS)


def bell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"bell": None}
    return {"bell": Bell(user.pk)}
