"""``manage.py import_catalog [--source mafra|foodsafety] [--limit N] [--workers N]``."""

from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.models import ImportRun
from catalog.services import catalog_import
from catalog.tasks import IMPORT_SOURCES
from common.errors import DomainError


class Command(BaseCommand):
    help = "Import items and categories from the public-data APIs (both sources by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", choices=list(IMPORT_SOURCES))
        parser.add_argument("--limit", type=int, help="at most this many rows per source")
        parser.add_argument("--workers", type=int, help="pages fetched at once")

    def handle(self, *args, source=None, limit=None, workers=None, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        failed = []
        for name in [source] if source else IMPORT_SOURCES:
            bar = tqdm(desc=name, unit="row", disable=options["verbosity"] == 0)
            try:
                run = catalog_import(
                    source=name,
                    limit=limit,
                    workers=workers,
                    on_total=partial(setattr, bar, "total"),
                    on_page=bar.update,
                )
            except DomainError as refused:
                bar.close()
                raise CommandError(refused.message) from None
            bar.close()
            self.stdout.write(
                f"{name}: {run.status} — {run.fetched:,} rows in {run.pages} pages, "
                f"{run.created:,} created, {run.updated:,} updated, {run.unchanged:,} unchanged, "
                f"{run.duplicates:,} duplicates, {run.skipped:,} skipped, "
                f"{run.categories_created:,} new categories"
            )
            if run.status != ImportRun.Status.SUCCEEDED:
                self.stderr.write(f"{name}: {run.errors}")
                failed.append(name)
        if failed:
            raise CommandError(f"import failed for {', '.join(failed)} (see above)")
