"""Q&A pages (no JavaScript needed): the ask/reply form post and the delete confirmation.

Thin: parse the form, call one service, go back to the party page's Q&A section with a
message. A refused question or reply keeps what was typed (in the session, shown again in
the form by ``{% comments_for_party %}``) with the reason beside it.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from comments import services
from comments.selectors import comment_to_delete
from common.confirm import CONFIRMED_FIELD
from common.errors import DomainError
from common.params import MAX_ID, ascii_int
from parties.selectors import party_get

# Where a refused draft waits for the next render of the party page (one per party).
DRAFT_SESSION_KEY = "comments_draft_{party_id}"
# A draft is kept whole unless absurdly long (the form's own limit is 500).
MAX_DRAFT_LENGTH = 5000


def qna_url(party_id: int) -> str:
    return reverse("parties:detail", args=[party_id]) + "#qna"


def _parent_id(raw: str) -> int | None:
    value = ascii_int(raw.strip())
    return value if value is not None and 0 < value < MAX_ID else None


@require_POST
def comment_create_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    party = party_get(party_id=party_id)  # NotFound: the app's 404 page
    if not request.user.is_authenticated:
        return redirect_to_login(qna_url(party.pk))
    body = request.POST.get("content", "")
    raw_parent = request.POST.get("parent", "")
    parent_id = _parent_id(raw_parent)
    try:
        if raw_parent and parent_id is None:
            raise DomainError("comment_not_found", _("질문이나 답변을 찾을 수 없어요."))
        services.comment_create(
            party_id=party.pk, user=cast(User, request.user), body=body, parent_id=parent_id
        )
    except DomainError as error:
        messages.error(request, error.message)
        request.session[DRAFT_SESSION_KEY.format(party_id=party.pk)] = {
            "content": body[:MAX_DRAFT_LENGTH],
            "parent": parent_id,
            "error": error.message,
        }
    else:
        messages.success(
            request,
            _("질문을 남겼어요. 파티장에게 알림이 가요.")
            if parent_id is None
            else _("답변을 남겼어요. 질문한 이웃에게 알림이 가요."),
        )
    return redirect(qna_url(party.pk))


@require_http_methods(["GET", "POST"])
def comment_delete_page(request: HttpRequest, party_id: int, comment_id: int) -> HttpResponse:
    """Asks "delete this?" (GET, or a POST not yet confirmed); a confirmed POST deletes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    # NotFound: the 404 page; someone else's comment: the 403 page with the reason.
    comment = comment_to_delete(comment_id=comment_id, party_id=party_id, user=user)
    # Deleted only on a confirmed POST: the dialog (confirm.js) or this page says yes; the
    # page's plain delete button (no JavaScript) lands here first.
    if request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == "1":
        try:
            services.comment_delete(comment_id=comment.pk, user=user, party_id=party_id)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("답변을 삭제했어요.") if comment.parent_id else _("질문을 삭제했어요.")
            )
        return redirect(qna_url(party_id))
    return render(
        request,
        "comments/delete.html",
        {"comment": comment, "party": comment.party, "cancel_url": qna_url(party_id)},
    )
