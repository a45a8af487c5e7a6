from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("알림")

    def ready(self) -> None:
        from common import events
        from common.metrics import register_scrape_collector
        from notifications.kinds import KINDS
        from notifications.metrics import OutboxCollector
        from notifications.outbox import outbox_write
        from notifications.services import end_streams_of_suspended_user, notify_recipients

        # Every domain event is stored in the outbox in the transaction that caused it.
        events.set_outbox_writer(outbox_write)
        for event_type in KINDS:
            events.register_reaction(event_type, "notifications.notify", notify_recipients)
        events.register_reaction(
            events.EventType.USER_SUSPENDED,
            "notifications.end_streams",
            end_streams_of_suspended_user,
        )
        register_scrape_collector(OutboxCollector())
