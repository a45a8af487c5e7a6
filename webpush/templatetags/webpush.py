"""``{% push_optin %}``: the "이 기기에서 알림 받기" control. Pages of other apps (the
notifications inbox) render it through this tag and ``webpush/_optin.html``, without
importing webpush."""

from django import template
from django.urls import reverse

from webpush.vapid import push_enabled, vapid_public_key

register = template.Library()


@register.inclusion_tag("webpush/_optin.html", takes_context=True)
def push_optin(context: template.Context) -> dict:
    enabled = push_enabled()
    return {
        # The API takes the session with Django's CSRF check, as a form post would.
        "csrf_token": context.get("csrf_token"),
        "enabled": enabled,
        "public_key": vapid_public_key() if enabled else "",
        "subscriptions_url": reverse("api-push-subscriptions"),
    }
