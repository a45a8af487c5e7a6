"""Comment reads: a party's questions with their replies, as residents see them."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from comments.models import Comment
from comments.rules import delete_refusal
from common.errors import NotFound


def _visible_replies() -> QuerySet[Comment]:
    return Comment.objects.visible().select_related("author").order_by("created_at", "id")


def party_comments(*, party_id: int) -> QuerySet[Comment]:
    """The party's questions, oldest first, each with ``visible_replies`` (a list, oldest
    first; fetched for a whole page in one more query).

    Hidden questions never appear (nor their replies). A question its author deleted
    appears only while it has a visible reply, as a placeholder (``deleted_at`` set): the
    replies would make no sense without it."""
    has_visible_reply = Exists(_visible_replies().filter(parent=OuterRef("pk")))
    return (
        Comment.objects.questions()
        .filter(party_id=party_id, hidden_at__isnull=True)
        .filter(Q(deleted_at__isnull=True) | has_visible_reply)
        .select_related("author")
        # Comment declares visible_replies for its readers; django-stubs' plugin would
        # rather declare it here.
        .prefetch_related(
            Prefetch("replies", _visible_replies(), to_attr="visible_replies")  # type: ignore[no-redef]
        )
        .order_by("created_at", "id")
    )


def comment_get(*, comment_id: int, party_id: int) -> Comment:
    """A visible question or reply of this party (a page's delete confirmation)."""
    comment = (
        Comment.objects.visible()
        .select_related("author", "party")
        .filter(pk=comment_id, party_id=party_id)
        .first()
    )
    if comment is None:
        raise NotFound("comment_not_found", _("질문이나 답변을 찾을 수 없어요."))
    return comment


def comment_to_delete(*, comment_id: int, party_id: int, user: User) -> Comment:
    """The comment a delete confirmation asks about, if ``user`` may delete it (else the
    refusal the delete would give)."""
    comment = comment_get(comment_id=comment_id, party_id=party_id)
    refusal = delete_refusal(comment.party, author_id=comment.author_id, user_id=user.pk)
    if refusal is not None:
        raise refusal
    return comment
