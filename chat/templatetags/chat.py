"""``{% chat_for_party party user as chat %}``: the chat panel's data for this viewer (None
when they may not see it: not a member, or the room is not open yet). Pages of other apps
render the panel through this tag and ``chat/_panel.html``, without importing chat."""

from django import template
from django.urls import reverse
from django.utils import timezone

from chat.models import MAX_MESSAGE_LENGTH
from chat.selectors import chat_room_state
from common.errors import DomainError

register = template.Library()


@register.simple_tag
def chat_for_party(party, user) -> dict | None:
    try:
        state = chat_room_state(party_id=party.pk, user=user)
    except DomainError:
        return None
    return {
        "party_id": party.pk,
        "user_id": user.pk,
        # The panel's script builds ws(s)://<host><ws_path>.
        "ws_path": "/ws",
        "time_zone": timezone.get_current_timezone_name(),
        # A cancelled party's room: the history stays readable, nothing more can be said.
        "closed": state == "closed",
        # Each message of someone else links here to report it (moderation's page).
        "report_url": reverse("moderation:report"),
        # The composer's maxlength: the server's own limit, so the page never sends what the
        # server would refuse.
        "max_length": MAX_MESSAGE_LENGTH,
    }
