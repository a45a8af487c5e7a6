"""Reports: filing one (a resident), deciding one (an admin: dismiss, hide the content, or
suspend the user). Deciding resolves every open report on the same target at once and tells
the reporters; the content's own app does the hiding (parties, comments, chat), accounts the
suspension."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_suspend
from chat.models import ChatMessage, MessageType
from chat.selectors import chat_access_check
from chat.services import chat_message_hide
from comments.models import Comment
from comments.services import comment_hide
from common import ratelimit
from common.errors import Conflict, DomainError, NotFound
from common.events import EventType, emit
from common.params import clean_text
from moderation.models import Report, ReportStatus, TargetType
from parties.models import Party
from parties.services import party_hide

REASON_MAX = 500
DECISIONS = {
    "dismiss": ReportStatus.DISMISSED,
    "hide": ReportStatus.HIDDEN,
    "suspend": ReportStatus.SUSPENDED,
}


def _not_found() -> NotFound:
    return NotFound("report_target_not_found", _("신고할 대상을 찾을 수 없어요."))


def _target(reporter: User, target_type: str, target_id: int) -> tuple[int, int | None]:
    """(who the target is about, its party id or None), as the reporter can see it; what
    they cannot see is not found (nothing leaks about what exists)."""
    if target_type == TargetType.USER:
        if not User.objects.filter(pk=target_id, is_active=True).exists():
            raise _not_found()
        return target_id, None
    if target_type == TargetType.PARTY:
        party = Party.objects.visible().filter(pk=target_id).values("leader_id").first()
        if party is None:
            raise _not_found()
        return party["leader_id"], target_id
    if target_type == TargetType.COMMENT:
        comment = (
            Comment.objects.visible().filter(pk=target_id).values("author_id", "party_id").first()
        )
        if comment is None:
            raise _not_found()
        return comment["author_id"], comment["party_id"]
    message = (
        ChatMessage.objects.filter(pk=target_id, hidden_at__isnull=True, type=MessageType.CHAT)
        .values("sender_id", "room_id")
        .first()
    )
    if message is None or message["sender_id"] is None:
        raise _not_found()
    try:  # only someone who can read the room can have seen the message
        chat_access_check(party_id=message["room_id"], user=reporter, to_write=False)
    except DomainError:
        raise _not_found() from None
    return message["sender_id"], message["room_id"]


def _rate_check(reporter: User) -> None:
    wait = ratelimit.hit(
        scope="report", key=str(reporter.pk), limit=settings.REPORTS_PER_HOUR, window=3600
    )
    if wait is not None:
        raise DomainError(
            "rate_limited",
            _("신고를 너무 많이 했어요. %(minutes)d분 뒤에 다시 시도해 주세요.")
            % {"minutes": max(1, wait // 60)},
            status=429,
            details={"retry_after_seconds": wait},
        )


def report_create(*, reporter: User, target_type: str, target_id: int, reason: str) -> Report:
    """A resident reports a user, a party, a comment or a chat message they can see; once
    while it is open (``report_exists``)."""
    if target_type not in TargetType.values:
        raise DomainError(
            "invalid_target_type",
            _("신고 대상은 user, party, comment, message 중 하나예요."),
            field="target_type",
            details={"allowed": TargetType.values},
        )
    reason = clean_text(reason, code="invalid_reason").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(
            "invalid_reason",
            _("신고 사유를 1자 이상 %(max)d자 이하로 적어 주세요.") % {"max": REASON_MAX},
            field="reason",
        )
    target_user_id, _party_id = _target(reporter, target_type, target_id)
    if target_user_id == reporter.pk:
        raise DomainError("report_self", _("내가 쓴 것이나 나 자신은 신고할 수 없어요."))
    exists = Conflict("report_exists", _("이미 신고했어요. 검토가 끝나면 알려 드릴게요."))
    if Report.objects.filter(
        reporter=reporter, target_type=target_type, target_id=target_id, status=ReportStatus.OPEN
    ).exists():
        raise exists
    _rate_check(reporter)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=target_id,
                target_user_id=target_user_id,
                reason=reason,
            )
    except IntegrityError:  # a concurrent twin was stored first
        raise exists from None


def report_decide(*, report_id: int, admin: User, decision: str) -> int:
    """An admin decides a report: ``dismiss`` (nothing wrong), ``hide`` (the party, comment or
    message disappears for residents, kept for the record) or ``suspend`` (the user the
    report is about can no longer log in or connect). Every open report on the same target is
    resolved with it; the reporters are told. Returns how many reports were resolved."""
    status = DECISIONS.get(decision)
    if status is None:
        raise DomainError("invalid_decision", _("처리는 dismiss, hide, suspend 중 하나예요."))
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound("report_not_found", _("신고를 찾을 수 없어요."))
        if report.status != ReportStatus.OPEN:
            raise Conflict("report_decided", _("이미 처리된 신고예요."))
        party_id: int | None = None
        if decision == "hide":
            party_id = _hide(report)
        elif decision == "suspend":
            user_suspend(
                user_id=report.target_user_id,
                reason=_("신고 처리: %(reason)s") % {"reason": report.reason},
            )
        same_target = Report.objects.select_for_update().filter(
            target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN
        )
        reporter_ids = sorted(set(same_target.values_list("reporter_id", flat=True)))
        resolved = same_target.update(status=status, decided_at=timezone.now(), decided_by=admin)
        payload: dict[str, object] = {
            "reporter_ids": reporter_ids,
            "target_type": report.target_type,
            "status": status,
        }
        if party_id is not None:
            payload["party_id"] = party_id
        emit(EventType.REPORT_RESOLVED, payload=payload, actor_id=admin.pk)
    return resolved


def _hide(report: Report) -> int | None:
    """Hide the reported content through its own app; the party it belongs to, if any."""
    if report.target_type == TargetType.PARTY:
        party_hide(party_id=report.target_id)
        return report.target_id
    if report.target_type == TargetType.COMMENT:
        comment = comment_hide(comment_id=report.target_id)
        return int(comment.party_id)
    if report.target_type == TargetType.MESSAGE:
        return int(chat_message_hide(message_id=report.target_id).room_id)
    raise DomainError(
        "cannot_hide_user", _("회원은 가릴 수 없어요. 이용 정지나 문제 없음으로 처리해 주세요.")
    )
