"""Web Push subscriptions: one row per browser (device) that agreed to receive pushes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushSubscription(models.Model):
    """A browser's ``PushSubscription``: where to send (``endpoint``, the push service's URL
    for this browser) and the keys to encrypt for it (RFC 8291). An endpoint belongs to one
    browser, so it is unique: subscribing again on a shared device moves it to the user
    who is signed in now."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("회원"),
    )
    endpoint = models.URLField(_("엔드포인트"), max_length=1000, unique=True)
    # The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh = models.CharField(_("공개 키 (p256dh)"), max_length=100)
    auth = models.CharField(_("인증 비밀 (auth)"), max_length=40)
    user_agent = models.CharField(_("브라우저"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("등록한 시각"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("마지막으로 보낸 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("푸시 구독")
        verbose_name_plural = _("푸시 구독")

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40] or self.pk}"


class QuietDigest(models.Model):
    """One "while you were in quiet hours" push per user and quiet period: the constraint
    decides between concurrent beat ticks (``push_quiet_digests_send``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiet_digests",
        verbose_name=_("회원"),
    )
    period_end = models.DateTimeField(_("방해 금지 끝난 시각"))
    count = models.PositiveIntegerField(_("알림 수"), default=0)
    created_at = models.DateTimeField(_("보낸 시각"))

    class Meta:
        verbose_name = _("방해 금지 요약")
        verbose_name_plural = _("방해 금지 요약")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_end"], name="quiet_digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period_end:%Y-%m-%d %H:%M}"
