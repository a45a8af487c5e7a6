"""A leader's mark on a member who did not show up: one per (party, member)."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PenaltyReason(models.TextChoices):
    NO_SHOW = "no_show", _("약속에 오지 않음")
    LATE = "late", _("많이 늦음")
    OTHER = "other", _("기타")


class PenaltyQuerySet(models.QuerySet["Penalty"]):
    def active(self) -> "PenaltyQuerySet":
        """Not revoked by an admin."""
        return self.filter(revoked_at__isnull=True)

    def counting_since(self, since: datetime) -> "PenaltyQuerySet":
        """The penalties that count towards a user's recent total."""
        return self.active().filter(created_at__gte=since)


class Penalty(models.Model):
    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="penalties", verbose_name=_("파티")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="penalties",
        verbose_name=_("받은 사람"),
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="penalties_given",
        verbose_name=_("준 사람 (파티장)"),
    )
    reason = models.CharField(_("사유"), max_length=10, choices=PenaltyReason.choices)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("받은 시각"), auto_now_add=True, db_index=False)
    revoked_at = models.DateTimeField(_("취소된 시각"), null=True, blank=True)

    objects = PenaltyQuerySet.as_manager()

    class Meta:
        verbose_name = _("페널티")
        verbose_name_plural = _("페널티")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["party", "user"], name="penalty_once_per_member"),
            models.CheckConstraint(
                condition=Q(reason__in=PenaltyReason.values), name="penalty_reason_valid"
            ),
            models.CheckConstraint(condition=~Q(user=F("given_by")), name="penalty_not_to_oneself"),
        ]
        indexes = [
            # A user's recent count is an index-only range scan of this partial index.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(revoked_at__isnull=True),
                name="penalty_user_active_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party.title} — {self.get_reason_display()} ({self.user.nickname})"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("검토 중")
    UPHELD = "upheld", _("유지")
    REVOKED = "revoked", _("취소")


class PenaltyAppeal(models.Model):
    """The penalised member's side, once per penalty (the one-to-one is the last guard), and
    an admin's decision on it."""

    penalty = models.OneToOneField(
        Penalty, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("페널티")
    )
    reason = models.CharField(_("이의 내용"), max_length=1000)
    status = models.CharField(
        _("상태"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    created_at = models.DateTimeField(_("신청 시각"), auto_now_add=True)
    decided_at = models.DateTimeField(_("결정 시각"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("결정한 관리자"),
    )
    decision_note = models.CharField(_("결정 메모"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("페널티 이의 신청")
        verbose_name_plural = _("페널티 이의 신청")
        ordering = ["created_at", "id"]  # the queue: oldest first
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
            # Decided exactly when no longer pending.
            models.CheckConstraint(
                condition=Q(status=AppealStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=AppealStatus.PENDING) & Q(decided_at__isnull=False)),
                name="appeal_decided_when_not_pending",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="appeal_reason_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status=AppealStatus.PENDING),
                name="appeal_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.penalty} 이의 신청 ({self.get_status_display()})"
