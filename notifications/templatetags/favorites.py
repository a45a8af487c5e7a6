"""Heart (찜) buttons for any page: ``{% load favorites %}``.

{% favorite_ids "item" as liked %}            the signed-in user's favorite item ids (one query)
{% heart "item" item liked %}                 a heart for one item (or "market", market)
{% heart "market" market liked compact=True %} icon only (still labelled for screen readers)
{% heart "item" item liked anchor=True %}     come back to ``#item-<id>`` on this page
"""

from django import template

from notifications.selectors import favorite_item_ids, favorite_market_ids

register = template.Library()

_IDS = {"market": favorite_market_ids, "item": favorite_item_ids}


@register.simple_tag(takes_context=True)
def favorite_ids(context, kind: str) -> set[int]:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return set()
    return _IDS[kind](user_id=user.pk)


@register.inclusion_tag("notifications/_heart.html", takes_context=True)
def heart(context, kind: str, target, ids, compact: bool = False, anchor: bool = False) -> dict:
    request = context.get("request")
    next_url = request.get_full_path() if request is not None else ""
    if anchor:
        next_url += f"#{kind}-{target.pk}"
    return {
        "kind": kind,
        "target": target,
        "on": target.pk in ids,
        "compact": compact,
        "user": context.get("user"),
        "next": next_url,
        "csrf_token": context.get("csrf_token"),
    }
