"""Celery tasks for the catalog. Thin: call the service."""

from celery import shared_task

from catalog.models import ItemSource
from catalog.services import catalog_import
from common.errors import DomainError

IMPORT_SOURCES = (ItemSource.MAFRA, ItemSource.FOODSAFETY)


@shared_task(name="catalog.import_items")
def import_items(source: str | None = None) -> list[dict[str, str | int]]:
    """Import one source, or both in turn (the weekly schedule)."""
    runs: list[dict[str, str | int]] = []
    for name in [source] if source else IMPORT_SOURCES:
        try:
            run = catalog_import(source=name)
        except DomainError as refused:  # another import is running: skip, say so
            runs.append({"source": name, "status": "skipped", "reason": refused.code})
            continue
        runs.append({"source": name, "status": run.status, "run_id": run.pk})
    return runs
