"""Who may appeal a penalty and until when: one pure function, judged by the service on the
locked row and by the penalties page to offer the form only when the service would accept."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, PermissionDenied
from penalties.models import Penalty

# From the penalty, how long the member may appeal it.
APPEAL_WINDOW = timedelta(days=7)

Refusal = DomainError | None


def appeal_deadline(penalty: Penalty) -> datetime:
    return penalty.created_at + APPEAL_WINDOW


def appeal_refusal(
    penalty: Penalty, *, user_id: int | None, has_appeal: bool, now: datetime
) -> Refusal:
    if penalty.user_id != user_id:
        return PermissionDenied(
            "not_your_penalty", _("내가 받은 페널티에만 이의를 신청할 수 있어요.")
        )
    if has_appeal:
        return Conflict("appeal_exists", _("이 페널티에는 이미 이의를 신청했어요."))
    if penalty.revoked_at is not None:
        return Conflict("penalty_revoked", _("이미 취소된 페널티예요."))
    if now > appeal_deadline(penalty):
        return Conflict(
            "appeal_too_late", _("이의 신청은 페널티를 받은 뒤 7일 안에만 할 수 있어요.")
        )
    return None
