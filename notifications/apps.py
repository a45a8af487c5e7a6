from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("알림")

    def ready(self) -> None:
        from common import events
        from notifications.outbox import outbox_write

        # Every domain event is stored in the outbox in the transaction that caused it.
        events.set_outbox_writer(outbox_write)
