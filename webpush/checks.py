"""``manage.py check``: a VAPID key that cannot sign is found at start-up, not at the first
push."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from webpush.vapid import push_enabled, vapid_public_key


@checks.register(checks.Tags.security)
def vapid_keys_usable(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if not push_enabled():
        return []
    try:
        vapid_public_key()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="webpush.E001")]
    return []
