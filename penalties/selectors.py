"""Penalty reads. The Penalty model and its Redis-cached 90-day count arrive with issue 6;
until then nobody can have a penalty, so the count is truthfully zero and nobody is blocked."""

from datetime import datetime


def user_penalty_count(*, user_id: int) -> int:
    return 0


def user_blocked_until(*, user_id: int) -> datetime | None:
    """When the user's penalty block lifts, or None when they are not blocked."""
    return None
