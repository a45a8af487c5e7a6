"""``{% settlement_for_party party user as settlement %}``: the party page's settlement panel
data for this viewer (None when there is nothing for them: not a member, or no bill yet and
they are not a leader who may bill). Pages of other apps render the panel through this tag
and ``settlements/_panel.html``, without importing settlements."""

from django import template
from django.utils import timezone

from common.errors import DomainError
from parties.selectors import user_is_member
from settlements import rules
from settlements.banks import bank_choices
from settlements.selectors import settlement_get

register = template.Library()


@register.simple_tag
def settlement_for_party(party, user) -> dict | None:
    if not user.is_authenticated or not user_is_member(party_id=party.pk, user_id=user.pk):
        return None
    try:
        view = settlement_get(party_id=party.pk, user=user)
    except DomainError as refusal:
        if refusal.code != "settlement_not_found":
            return None
        if rules.bill_refusal(party, user_id=user.pk, has_settlement=False) is not None:
            return None
        return {"can_bill": True, "banks": bank_choices(), "planned_total": party.total_price}
    return {
        "view": view,
        "can_edit": view.is_leader and not view.someone_paid and not view.completed,
        "banks": bank_choices(),
        "now": timezone.now(),
    }
