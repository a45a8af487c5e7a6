from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("페널티")

    def ready(self) -> None:
        from common.events import EventType, register_reaction, subscribe
        from penalties.handlers import forget_cached_count, recount

        for event_type in (EventType.PENALTY_RECEIVED, EventType.PENALTY_REVOKED):
            subscribe(event_type, forget_cached_count)
            register_reaction(event_type, "penalties.recount", recount)
