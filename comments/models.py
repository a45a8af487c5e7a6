"""Questions before joining: public questions on a party and the leader's replies.

One level only: a question has no parent; a reply's parent is a question (the services keep
it so). Nothing is ever deleted from the table: an author's delete stamps ``deleted_at``, a
moderator's hide stamps ``hidden_at`` (kept for the record); residents see neither.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MAX_BODY_LENGTH = 500


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> "CommentQuerySet":
        """What residents see: neither deleted by its author nor hidden by a moderator."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def questions(self) -> "CommentQuerySet":
        return self.filter(parent__isnull=True)


class Comment(models.Model):
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="comments", verbose_name=_("파티")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("작성자"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("질문 (답변일 때)"),
    )
    body = models.CharField(_("내용"), max_length=MAX_BODY_LENGTH)
    created_at = models.DateTimeField(_("쓴 시각"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("삭제한 시각"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("숨긴 시각 (운영)"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    # Not columns: set on instances by the reads that compute them (``visible_replies`` by
    # ``selectors.party_comments``, the Q&A panel's ``can_reply`` and ``can_delete``).
    visible_replies: list["Comment"]
    can_reply: bool
    can_delete: bool

    class Meta:
        verbose_name = _("질문·답변")
        verbose_name_plural = _("질문·답변")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
        ]
        indexes = [
            # A party's questions in order (the list), and a question's replies via parent.
            models.Index(
                fields=["party", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_party_questions_idx",
            ),
        ]

    def __str__(self) -> str:
        kind = "답변" if self.parent_id else "질문"
        return f"{self.party.title} — {kind}: {self.body[:30]}"
