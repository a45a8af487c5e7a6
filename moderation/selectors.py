"""What a moderator sees of a report's target: the thing itself, hidden or not."""

from typing import Any

from accounts.models import User
from chat.models import ChatMessage
from chat.selectors import chat_transcript
from comments.models import Comment
from moderation.models import Report, ReportStatus, TargetType
from parties.models import Party


def open_reports_on(report: Report) -> int:
    return Report.objects.filter(
        target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN
    ).count()


def _target(report: Report) -> Any:
    model: type[Any] = {
        TargetType.USER: User,
        TargetType.PARTY: Party,
        TargetType.COMMENT: Comment,
        TargetType.MESSAGE: ChatMessage,
    }[TargetType(report.target_type)]
    return model.objects.filter(pk=report.target_id).first()


def target_summary(report: Report) -> str:
    target = _target(report)
    if target is None:
        return "—"
    if isinstance(target, User):
        return target.nickname
    if isinstance(target, Party):
        return target.title
    if isinstance(target, Comment):
        return target.body[:40]
    return str(target.content)[:40]


def target_preview(report: Report) -> dict[str, Any]:
    """The template context of ``admin/moderation/_report_target.html``."""
    target = _target(report)
    context: dict[str, Any] = {"kind": report.target_type, "target": target}
    if isinstance(target, ChatMessage):  # the message in its conversation
        around = chat_transcript(party_id=target.room_id, limit=500)
        index = next((i for i, m in enumerate(around) if m.pk == target.pk), 0)
        context["messages"] = around[max(0, index - 10) : index + 11]
        context["highlight"] = {target.sender_id}
        context["reported_id"] = target.pk
    return context
