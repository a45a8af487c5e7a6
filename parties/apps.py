from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = _("파티")

    def ready(self) -> None:
        # The item search breaks ties by open parties nearby; the catalog, below parties,
        # cannot ask for them itself (catalog.demand).
        from catalog.demand import register_demand
        from parties.selectors import open_parties_per_item_near

        register_demand(open_parties_per_item_near)

        # Live only: a party's viewers (its page, the nearby list) re-read its state after
        # each change (parties.live); a lost push heals at the next change or reconnect.
        from parties.live import register_live_handlers

        register_live_handlers()
