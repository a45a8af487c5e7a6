"""Penalty reads. The Penalty model and its Redis-cached 90-day count arrive with issue 6;
until then nobody can have a penalty, so the count is truthfully zero."""


def user_penalty_count(*, user_id: int) -> int:
    return 0
