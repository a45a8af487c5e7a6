from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebpushConfig(AppConfig):
    name = "webpush"
    verbose_name = _("웹 푸시")

    def ready(self) -> None:
        from notifications.delivery import register_delivery
        from webpush import checks  # noqa: F401  (registers the VAPID key check)
        from webpush.delivery import deliver

        # Notifications reach devices through this app without importing it (the seam of
        # notifications.delivery): every notification stored is offered here after commit.
        register_delivery("webpush", deliver)
