"""Comment writes: ask, reply, delete (author or leader), hide (moderation).

Each checks everything before writing and writes in one transaction with its event (the
outbox row, ``common.events.emit``), so a refusal writes nothing and notifies no one.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from comments import rules
from comments.models import MAX_BODY_LENGTH, Comment
from common import ratelimit
from common.errors import DomainError, NotFound
from common.events import EventType, emit
from common.params import clean_text
from parties.models import Party
from parties.selectors import party_get


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _not_found() -> NotFound:
    return NotFound("comment_not_found", _("질문이나 답변을 찾을 수 없어요."))


def comment_clean_body(body: str) -> str:
    """The body as stored: line breaks as LF, stripped, 1 to ``MAX_BODY_LENGTH``
    characters of text PostgreSQL can store (no NUL, no lone surrogates)."""
    clean_text(body, code="invalid_content")
    # Browsers send a textarea's line breaks as CRLF: one character each, as typed.
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise DomainError("invalid_content", _("내용을 입력해 주세요."), field="content")
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(
            "invalid_content",
            _("질문과 답변은 %(max)d자까지 쓸 수 있어요.") % {"max": MAX_BODY_LENGTH},
            details={"max_length": MAX_BODY_LENGTH, "length": len(body)},
            field="content",
        )
    return body


def _rate_check(user: User) -> None:
    wait = ratelimit.hit(
        scope="comment",
        key=str(user.pk),
        limit=settings.COMMENT_RATE_LIMIT,
        window=settings.COMMENT_RATE_WINDOW_SECONDS,
    )
    if wait is not None:
        raise DomainError(
            "rate_limited",
            _("너무 빨리 쓰고 있어요. %(seconds)d초 뒤에 다시 시도해 주세요.") % {"seconds": wait},
            status=429,
            details={"retry_after_seconds": wait},
        )


def _payload(party: Party, comment: Comment, **extra: Any) -> dict[str, Any]:
    return {
        "party_id": party.pk,
        "title": party.title,
        "leader_id": party.leader_id,
        "comment_id": comment.pk,
        "user_id": comment.author_id,
        # The region routes the event (notifications.regions): carried, not looked up again.
        "sido": party.sido,
        "sigungu": party.sigungu,
        **extra,
    }


def _lock_visible(comment_id: int) -> bool:
    return Comment.objects.visible().select_for_update().filter(pk=comment_id).exists()


def comment_create(
    *, party_id: int, user: User, body: str, parent_id: int | None = None
) -> Comment:
    """A question (no ``parent_id``) while the party recruits, or the leader's reply to one
    of its questions (not to a reply) while the party is not cancelled. The leader hears of
    a question, the asker of a reply (``comment.created`` / ``comment.replied``)."""
    body = comment_clean_body(body)
    party = party_get(party_id=party_id)
    now = timezone.now()
    parent: Comment | None = None
    if parent_id is None:
        _raise(rules.ask_refusal(party, now=now))
    else:
        _raise(rules.reply_refusal(party, user_id=user.pk, now=now))
        parent = Comment.objects.visible().filter(pk=parent_id, party_id=party.pk).first()
        if parent is None:
            raise _not_found()
        if parent.parent_id is not None:
            raise DomainError(
                "reply_to_reply", _("답변에는 답할 수 없어요. 질문에 답해 주세요."), field="parent"
            )
    _rate_check(user)
    with transaction.atomic():
        # The question is locked until the reply is stored, so a delete racing the reply
        # either lands first (and the reply is refused) or waits.
        if parent is not None and not _lock_visible(parent.pk):
            raise _not_found()
        comment = Comment.objects.create(party=party, author=user, parent=parent, body=body)
        if parent is None:
            emit(EventType.COMMENT_CREATED, payload=_payload(party, comment), actor_id=user.pk)
        else:
            emit(
                EventType.COMMENT_REPLIED,
                payload=_payload(party, comment, parent_id=parent.pk, asker_id=parent.author_id),
                actor_id=user.pk,
            )
    return comment


def comment_delete(*, comment_id: int, user: User, party_id: int | None = None) -> Comment:
    """Delete a visible question or reply (its author, or the party's leader): kept, stamped
    ``deleted_at``. A question that has replies stays as a placeholder above them. A comment
    already deleted (or hidden, or of another party when ``party_id`` is given) is not found."""
    with transaction.atomic():
        comments = Comment.objects.visible().select_for_update().filter(pk=comment_id)
        if party_id is not None:
            comments = comments.filter(party_id=party_id)
        comment = comments.first()
        if comment is None:
            raise _not_found()
        party = Party.objects.only("id", "leader_id").get(pk=comment.party_id)
        _raise(rules.delete_refusal(party, author_id=comment.author_id, user_id=user.pk))
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
    return comment


def comment_hide(*, comment_id: int) -> Comment:
    """Hide a question or reply from residents (moderation): kept for the record, stamped
    ``hidden_at``; hiding twice changes nothing. A hidden question hides its replies."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None:
            raise _not_found()
        if comment.hidden_at is None:
            comment.hidden_at = timezone.now()
            comment.save(update_fields=["hidden_at"])
    return comment
