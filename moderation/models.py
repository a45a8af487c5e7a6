"""Reports: a resident flags a user, a party, a comment or a chat message; an admin dismisses
it, hides the content, or suspends the user. One open report per reporter and target."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TargetType(models.TextChoices):
    USER = "user", _("회원")
    PARTY = "party", _("파티")
    COMMENT = "comment", _("질문·답변")
    MESSAGE = "message", _("채팅 메시지")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("접수")
    DISMISSED = "dismissed", _("문제 없음")
    HIDDEN = "hidden", _("내용 가림")
    SUSPENDED = "suspended", _("이용 정지")


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_made",
        verbose_name=_("신고한 사람"),
    )
    target_type = models.CharField(_("대상 종류"), max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField(_("대상 id"))
    # Who the report is about (the user, or the content's author): suspension acts on them.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_received",
        verbose_name=_("신고된 사람"),
    )
    reason = models.CharField(_("신고 사유"), max_length=500)
    status = models.CharField(
        _("상태"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("신고 시각"), auto_now_add=True)
    decided_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리한 관리자"),
    )

    class Meta:
        verbose_name = _("신고")
        verbose_name_plural = _("신고")
        ordering = ["created_at", "id"]
        constraints = [
            # The last guard against a second open report of the same thing by the same user.
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_and_target",
            ),
            models.CheckConstraint(
                condition=Q(target_type__in=TargetType.values), name="report_target_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="report_decided_when_not_open",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="report_reason_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["target_type", "target_id"],
                condition=Q(status="open"),
                name="report_open_target_idx",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_target_type_display()} #{self.target_id} 신고 ({self.get_status_display()})"
        )
