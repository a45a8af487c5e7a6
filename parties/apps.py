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
