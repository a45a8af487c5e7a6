"""``{% comments_for_party party user as qna %}``: the Q&A panel's data for this viewer.
Pages of other apps render the panel through this tag and ``comments/_panel.html``, without
importing comments (parties sits below it)."""

from typing import Any

from django import template
from django.utils import timezone

from comments import rules
from comments.models import MAX_BODY_LENGTH
from comments.selectors import party_comments
from comments.views import DRAFT_SESSION_KEY

register = template.Library()

# The party page shows the newest questions this many at most (the API pages through all).
PANEL_QUESTIONS = 100


@register.simple_tag(takes_context=True)
def comments_for_party(context: template.Context, party: Any, user: Any) -> dict[str, Any]:
    now = timezone.now()
    user_id = user.pk if user.is_authenticated else None
    newest_first = list(party_comments(party_id=party.pk).reverse()[: PANEL_QUESTIONS + 1])
    questions = newest_first[:PANEL_QUESTIONS][::-1]
    may_reply = rules.reply_refusal(party, user_id=user_id, now=now) is None
    for question in questions:
        question.can_reply = may_reply and question.deleted_at is None
        question.can_delete = question.deleted_at is None and _may_delete(party, question, user_id)
        for reply in question.visible_replies:
            reply.can_delete = _may_delete(party, reply, user_id)
    asking_open = rules.ask_refusal(party, now=now) is None
    request = context.get("request")
    session = getattr(request, "session", None)
    draft = session.pop(DRAFT_SESSION_KEY.format(party_id=party.pk), None) if session else None
    return {
        "questions": questions,
        "more": len(newest_first) > PANEL_QUESTIONS,
        "can_ask": asking_open and user_id is not None,
        "login_to_ask": asking_open and user_id is None,
        "asking_open": asking_open,
        "draft": draft,
        "max_length": MAX_BODY_LENGTH,
    }


def _may_delete(party: Any, comment: Any, user_id: int | None) -> bool:
    return rules.delete_refusal(party, author_id=comment.author_id, user_id=user_id) is None
