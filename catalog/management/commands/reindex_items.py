"""``manage.py reindex_items``: rebuild every item's search columns."""

from django.core.management.base import BaseCommand

from catalog.services import item_search_reindex


class Command(BaseCommand):
    help = "Recompute every item's search document (after its shape changed)."

    def handle(self, *args, **options) -> None:
        changed = item_search_reindex()
        self.stdout.write(f"{changed} items reindexed")
