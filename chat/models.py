from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 1000


class ChatRoom(models.Model):
    """One per party, opened when recruitment closes."""

    party = models.OneToOneField(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="chat_room",
        primary_key=True,
        verbose_name=_("파티"),
    )
    opened_at = models.DateTimeField(_("열린 시각"), default=timezone.now)
    # Set when the party is cancelled: no new messages, history stays readable to members.
    closed_at = models.DateTimeField(_("닫힌 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("채팅방")
        verbose_name_plural = _("채팅방")

    def __str__(self) -> str:
        return f"{self.party.title} 채팅방"


class MessageType(models.TextChoices):
    CHAT = "CHAT", _("대화")
    JOIN = "JOIN", _("입장")
    LEAVE = "LEAVE", _("퇴장")
    SYSTEM = "SYSTEM", _("시스템")


class ChatMessage(models.Model):
    room = models.ForeignKey(
        ChatRoom, on_delete=models.CASCADE, related_name="messages", verbose_name=_("채팅방")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_messages",
        verbose_name=_("보낸 사람"),
    )
    type = models.CharField(
        _("종류"), max_length=8, choices=MessageType.choices, default=MessageType.CHAT
    )
    content = models.TextField(_("내용"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("보낸 시각"), default=timezone.now)
    # Hidden by a moderator (a report): gone from the history residents read; kept.
    hidden_at = models.DateTimeField(_("가린 시각 (운영)"), null=True, blank=True)

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
        who = self.sender.nickname if self.sender is not None else self.get_type_display()
        return f"{who}: {self.content[:30]}"
