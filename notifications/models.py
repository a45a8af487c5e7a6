"""Favorites (찜), the transactional outbox of domain events, and each user's notifications."""

from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FavoriteMarket(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favorite_markets",
        verbose_name=_("회원"),
    )
    market = models.ForeignKey(
        "markets.Market",
        on_delete=models.CASCADE,
        related_name="favorited_by",
        verbose_name=_("마트"),
    )
    created_at = models.DateTimeField(_("찜한 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("찜한 마트")
        verbose_name_plural = _("찜한 마트")
        constraints = [
            models.UniqueConstraint(fields=["user", "market"], name="favorite_market_once")
        ]
        # Recipients of party.created are looked up by market.
        indexes = [models.Index(fields=["market", "user"], name="favorite_market_by_market")]

    def __str__(self) -> str:
        return f"{self.user.nickname} ♥ {self.market.name}"


class FavoriteItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favorite_items",
        verbose_name=_("회원"),
    )
    item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.CASCADE,
        related_name="favorited_by",
        verbose_name=_("품목"),
    )
    created_at = models.DateTimeField(_("찜한 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("찜한 품목")
        verbose_name_plural = _("찜한 품목")
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="favorite_item_once")]
        indexes = [models.Index(fields=["item", "user"], name="favorite_item_by_item")]

    def __str__(self) -> str:
        return f"{self.user.nickname} ♥ {self.item.name}"


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change that caused it.

    The relay publishes pending rows (``published_at`` empty) to RabbitMQ and marks them;
    its id travels with the message, so the dispatcher stores each event's notifications
    once however often the event is delivered.
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("종류"), max_length=40)
    payload = models.JSONField(_("내용"))
    actor_id = models.BigIntegerField(_("한 사람 id"), null=True, blank=True)
    # The first event of the action that caused this one (common.events); null on that one.
    action_id = models.BigIntegerField(null=True, blank=True)
    routing_key = models.CharField(_("라우팅 키 (지역)"), max_length=200)
    created_at = models.DateTimeField(_("생긴 시각"), auto_now_add=True)
    published_at = models.DateTimeField(_("보낸 시각"), null=True, blank=True)
    # Set by the dispatcher that stored the event's notifications: a redelivery finds it set.
    dispatched_at = models.DateTimeField(_("처리된 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("이벤트 (outbox)")
        verbose_name_plural = _("이벤트 (outbox)")
        indexes = [
            models.Index(
                fields=["id"], condition=Q(published_at__isnull=True), name="outbox_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"이벤트 #{self.pk} ({self.type})"


class EventReaction(models.Model):
    """One reaction (``common.events.register_reaction``) done for one outbox event: written
    in the reaction's own transaction, so a reaction runs once however often its event is
    delivered, and one that failed (rolled back, no row) runs again on the next delivery."""

    event_id = models.BigIntegerField(_("이벤트 id"))
    reaction = models.CharField(_("반응"), max_length=60)
    done_at = models.DateTimeField(_("한 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("이벤트 반응")
        verbose_name_plural = _("이벤트 반응")
        constraints = [
            models.UniqueConstraint(fields=["event_id", "reaction"], name="reaction_once_per_event")
        ]

    def __str__(self) -> str:
        return f"이벤트 #{self.event_id}: {self.reaction}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("받는 사람"),
    )
    event_id = models.BigIntegerField(_("이벤트 id"))
    # The action (common.events) this notification tells of: everything one action causes
    # reaches a recipient as this one notification (notifications.services.notify_recipients).
    action_id = models.BigIntegerField(_("행동 id"))
    type = models.CharField(_("종류"), max_length=40)
    party_id = models.BigIntegerField(_("파티 id"), null=True, blank=True)
    data = models.JSONField(_("내용"), default=dict)
    created_at = models.DateTimeField(_("받은 시각"), auto_now_add=True)
    read_at = models.DateTimeField(_("읽은 시각"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    # Not columns: set for the inbox page (``notifications.views.inbox``).
    label: str
    message: str
    reason_label: str

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["-id"]
        constraints = [
            # One notification per recipient and action; a redelivered event or a second
            # event of the same action merges into it (notify_recipients), never adds one.
            models.UniqueConstraint(
                fields=["user", "action_id"], name="notification_once_per_action"
            )
        ]
        indexes = [
            models.Index(fields=["user", "id"], name="notification_user_id_idx"),
            models.Index(
                fields=["user", "id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.nickname}에게 · {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.action_id is None:  # an event of its own: its own action
            self.action_id = self.event_id
        super().save(*args, **kwargs)


class NotificationPreference(models.Model):
    """A resident's notification settings: the event types they switched off (none by
    default; the page switches a group of them, ``kinds.GROUPS``, the API each type) and
    their quiet hours, when nothing is pushed to their devices — the inbox still gets
    everything. No row: the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("사용자"),
    )
    muted_types = models.JSONField(_("끈 알림 종류"), default=list, blank=True)
    quiet_hours = models.BooleanField(_("방해 금지 시간 사용"), default=True)
    quiet_start = models.TimeField(_("방해 금지 시작"), default=time(22, 0))
    quiet_end = models.TimeField(_("방해 금지 끝"), default=time(8, 0))
    updated_at = models.DateTimeField(_("바꾼 때"), auto_now=True)

    class Meta:
        verbose_name = _("알림 설정")
        verbose_name_plural = _("알림 설정")

    def __str__(self) -> str:
        return str(_("%(user)s의 알림 설정") % {"user": self.user})
