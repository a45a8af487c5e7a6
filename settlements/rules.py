"""Who may bill, see, pay and confirm a settlement, and when: pure functions, judged by the
services on locked rows and by the selectors to show only what the services would accept."""

from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, PermissionDenied
from parties.models import Party, PartyStatus

# A receipt more than this many times the planned total is a typo, not a purchase.
MAX_TOTAL_FACTOR = 3

Refusal = DomainError | None


def bill_refusal(party: Party, *, user_id: int | None, has_settlement: bool) -> Refusal:
    if party.leader_id != user_id:
        return PermissionDenied("not_leader", _("파티장만 정산을 요청할 수 있어요."))
    if party.status not in (PartyStatus.CLOSED, PartyStatus.COMPLETED):
        return Conflict("settlement_not_open", _("모집이 마감된 파티만 정산할 수 있어요."))
    if has_settlement:
        return Conflict("settlement_exists", _("이미 정산을 요청했어요. 고칠 수 있어요."))
    return None


def total_refusal(actual_total: int, *, planned_total: int) -> Refusal:
    if actual_total <= 0:
        return DomainError(
            "invalid_total", _("영수증 총액은 1원 이상이어야 해요."), field="actual_total"
        )
    if actual_total > planned_total * MAX_TOTAL_FACTOR:
        return DomainError(
            "total_too_high",
            _("처음 정한 총액(%(planned)s원)의 세 배가 넘어요. 금액을 확인해 주세요.")
            % {"planned": f"{planned_total:,}"},
            field="actual_total",
        )
    return None


def edit_refusal(*, someone_paid: bool) -> Refusal:
    if someone_paid:
        return Conflict(
            "settlement_locked", _("이미 보낸 멤버가 있어서 정산 내용을 고칠 수 없어요.")
        )
    return None
