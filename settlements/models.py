"""A party's settlement (정산): the receipt's total, how the leader is paid, and each member's
share with its status. The shares always add up to the total (``split.split_total``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShareStatus(models.TextChoices):
    PENDING = "pending", _("보내기 전")
    PAID = "paid", _("보냈어요")
    CONFIRMED = "confirmed", _("받았어요")


class Settlement(models.Model):
    party = models.OneToOneField(
        "parties.Party",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="settlement",
        verbose_name=_("파티"),
    )
    actual_total = models.PositiveIntegerField(_("영수증 총액 (원)"))
    planned_total = models.PositiveIntegerField(_("처음 정한 총액 (원)"))
    bank = models.CharField(_("은행"), max_length=20)
    # Erased 30 days after completion (``services.settlement_erase_old_accounts``): then only
    # ``account_masked`` remains.
    account_number = models.CharField(_("계좌번호"), max_length=30, blank=True)
    account_holder = models.CharField(_("예금주"), max_length=30, blank=True)
    account_masked = models.CharField(_("계좌번호 (가림)"), max_length=30)
    kakaopay_link = models.URLField(_("카카오페이 송금 링크"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("정산 요청 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("바꾼 시각"), auto_now=True)
    completed_at = models.DateTimeField(_("정산 완료 시각"), null=True, blank=True)
    account_erased_at = models.DateTimeField(_("계좌 지운 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("정산")
        verbose_name_plural = _("정산")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_total__gt=0), name="settlement_total_positive"
            ),
            # An erased account leaves no number behind.
            models.CheckConstraint(
                condition=Q(account_erased_at__isnull=True) | Q(account_number=""),
                name="settlement_erased_has_no_account",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(completed_at__isnull=True),
                name="settlement_open_idx",
            ),
            models.Index(
                fields=["completed_at"],
                condition=Q(account_erased_at__isnull=True, completed_at__isnull=False),
                name="settlement_to_erase_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.title} 정산"


class Share(models.Model):
    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="shares", verbose_name=_("정산")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="settlement_shares",
        verbose_name=_("보낼 사람"),
    )
    amount = models.PositiveIntegerField(_("보낼 금액 (원)"))
    status = models.CharField(
        _("상태"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.PENDING
    )
    paid_at = models.DateTimeField(_("보냈다고 한 시각"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("받았다고 확인한 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("정산 몫")
        verbose_name_plural = _("정산 몫")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "user"], name="share_once_per_member"),
            models.CheckConstraint(
                condition=Q(status__in=ShareStatus.values), name="share_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="share_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.nickname} · {self.amount:,}원 ({self.get_status_display()})"


class ShareReminder(models.Model):
    """The one reminder a pending share gets (24 h after the bill): the primary key on the
    share makes it exactly once however many beat ticks run."""

    share = models.OneToOneField(
        Share, on_delete=models.CASCADE, primary_key=True, verbose_name=_("정산 몫")
    )
    created_at = models.DateTimeField(_("보낸 시각"))

    class Meta:
        verbose_name = _("정산 알림 기록")
        verbose_name_plural = _("정산 알림 기록")

    def __str__(self) -> str:
        return f"{self.share} 알림"
