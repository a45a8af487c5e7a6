from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 1000


class ChatRoom(models.Model):
    """One per party, opened when recruitment closes."""

    party = models.OneToOneField(
        "parties.Party", on_delete=models.CASCADE, related_name="chat_room", primary_key=True
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # Set when the party is cancelled: no new messages, history stays readable to members.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("채팅방")
        verbose_name_plural = _("채팅방")

    def __str__(self) -> str:
        return f"chat of party {self.party_id}"


class MessageType(models.TextChoices):
    CHAT = "CHAT", _("대화")
    JOIN = "JOIN", _("입장")
    LEAVE = "LEAVE", _("퇴장")
    SYSTEM = "SYSTEM", _("시스템")


class ChatMessage(models.Model):
    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_messages",
    )
    type = models.CharField(max_length=8, choices=MessageType.choices, default=MessageType.CHAT)
    content = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    # Hidden by a moderator (a report): gone from the history residents read; kept.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("채팅 메시지")
        verbose_name_plural = _("채팅 메시지")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=MessageType.values), name="chat_message_type_valid"
            ),
            # People send CHAT messages; the system sends the rest.
            models.CheckConstraint(
                condition=Q(type="CHAT", sender__isnull=False) | ~Q(type="CHAT"),
                name="chat_message_chat_has_sender",
            ),
        ]
        indexes = [models.Index(fields=["room", "-id"], name="chat_message_room_recent_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.id} in {self.room_id}"
