"""Favorites (찜), the transactional outbox of domain events, and each user's notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FavoriteMarket(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorite_markets"
    )
    market = models.ForeignKey(
        "markets.Market", on_delete=models.CASCADE, related_name="favorited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("찜한 마트")
        verbose_name_plural = _("찜한 마트")
        constraints = [
            models.UniqueConstraint(fields=["user", "market"], name="favorite_market_once")
        ]
        # Recipients of party.created are looked up by market.
        indexes = [models.Index(fields=["market", "user"], name="favorite_market_by_market")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ market {self.market_id}"


class FavoriteItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorite_items"
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="favorited_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("찜한 품목")
        verbose_name_plural = _("찜한 품목")
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="favorite_item_once")]
        indexes = [models.Index(fields=["item", "user"], name="favorite_item_by_item")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ item {self.item_id}"


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change that caused it.

    The relay publishes pending rows (``published_at`` empty) to RabbitMQ and marks them;
    its id travels with the message, so the dispatcher stores each event's notifications
    once however often the event is delivered.
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    routing_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set by the dispatcher that stored the event's notifications: a redelivery finds it set.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("이벤트 (outbox)")
        verbose_name_plural = _("이벤트 (outbox)")
        indexes = [
            models.Index(
                fields=["id"], condition=Q(published_at__isnull=True), name="outbox_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class EventReaction(models.Model):
    """One reaction (``common.events.register_reaction``) done for one outbox event: written
    in the reaction's own transaction, so a reaction runs once however often its event is
    delivered, and one that failed (rolled back, no row) runs again on the next delivery."""

    event_id = models.BigIntegerField()
    reaction = models.CharField(max_length=60)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("이벤트 반응")
        verbose_name_plural = _("이벤트 반응")
        constraints = [
            models.UniqueConstraint(fields=["event_id", "reaction"], name="reaction_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.reaction} for #{self.event_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event_id = models.BigIntegerField(_("이벤트 id"))
    type = models.CharField(_("종류"), max_length=40)
    party_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("받은 시각"), auto_now_add=True)
    read_at = models.DateTimeField(_("읽은 시각"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    # Not columns: set for the inbox page (``notifications.views.inbox``).
    label: str
    message: str

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["-id"]
        constraints = [
            # A redelivered event never notifies anyone twice.
            models.UniqueConstraint(fields=["user", "event_id"], name="notification_once_per_event")
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
        return f"{self.type} → {self.user_id}"
