"""Catalog writes: importing items and categories from a public-data source.

``catalog_import`` reads the total from the first page, fetches the other pages of ≤ 1000 rows
concurrently (a bounded window of ``workers``), and hands them over in page order, so the same
data always gives the same result. Rows are parsed tolerantly (empty names are skipped and
counted), deduplicated by natural key within and across pages, and written in chunks: the
chunk's categories level by level, then its items with one upsert on the natural key (source,
source_key) — one transaction per chunk. Items already stored with the same values are left
alone, so a second run creates and updates nothing. The upsert is ``bulk_create(
update_conflicts=True)`` on SQLite and the same ``INSERT … ON CONFLICT`` fed by COPY on
PostgreSQL, where Django's per-value preparation was most of the import's time.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, ImportRun, Item, category_key
from catalog.sources import MAX_ROWS_PER_CALL, Entry, Page, Source, SourceError, get_source
from common.errors import Conflict

logger = logging.getLogger(__name__)

CHUNK = 2000
STALE_AFTER = timedelta(hours=6)  # a "running" import this old died without finishing
# An item as written: (source_key, name, category_id, barcode, maker).
ItemRow = tuple[str, str, int, str, str]


@dataclass
class _Tally:
    pages: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    categories_created: int = 0
    seen: set[str] = field(default_factory=set)


def _start_run(source: str) -> ImportRun:
    ImportRun.objects.filter(
        status=ImportRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).update(status=ImportRun.Status.FAILED, finished_at=timezone.now(), errors="abandoned (stale)")
    try:
        with transaction.atomic():
            return ImportRun.objects.create(source=source)
    except IntegrityError:
        raise Conflict(
            "import_running", _("다른 품목 가져오기가 진행 중이에요. 끝난 뒤에 다시 실행하세요.")
        ) from None


def _pages(source: Source, first: Page, total: int, workers: int) -> Iterator[Page]:
    """The first page, then the rest in order, fetched ``workers`` at a time."""
    yield first
    ranges = [
        (start, min(start + MAX_ROWS_PER_CALL - 1, total))
        for start in range(MAX_ROWS_PER_CALL + 1, total + 1, MAX_ROWS_PER_CALL)
    ]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="catalog-fetch") as pool:
        pending: deque[Future[Page]] = deque()
        for start, end in ranges:
            pending.append(pool.submit(source.fetch, start, end))
            if len(pending) >= workers * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _Writer:
    """Upserts entries for one source, chunk by chunk, remembering category ids."""

    def __init__(self, source: str, tally: _Tally) -> None:
        self.source = source
        self.tally = tally
        self.category_ids: dict[str, int] = dict(
            Category.objects.filter(source=source).values_list("key", "id")
        )

    def _categories(self, entries: list[Entry]) -> None:
        for depth in (1, 2, 3):
            wanted: dict[str, tuple[str, str, str | None]] = {}
            for entry in entries:
                if len(entry.category_path) < depth:
                    continue
                path = entry.category_path[:depth]
                key = category_key(*path)
                if key not in self.category_ids and key not in wanted:
                    parent = category_key(*path[:-1]) if depth > 1 else None
                    wanted[key] = (path[-1][:100], entry.category_codes[depth - 1][:32], parent)
            if not wanted:
                continue
            Category.objects.bulk_create(
                [
                    Category(
                        source=self.source,
                        key=key[:300],
                        name=name,
                        code=code,
                        depth=depth,
                        parent_id=self.category_ids[parent] if parent else None,
                    )
                    for key, (name, code, parent) in wanted.items()
                ],
                ignore_conflicts=True,  # another run's or a racing writer's: same row
            )
            found = dict(
                Category.objects.filter(source=self.source, key__in=list(wanted)).values_list(
                    "key", "id"
                )
            )
            self.tally.categories_created += len(found)
            self.category_ids.update(found)

    def write(self, entries: list[Entry]) -> None:
        if not entries:
            return
        with transaction.atomic():
            self._categories(entries)
            rows = [
                (
                    entry.source_key,
                    entry.name,
                    self.category_ids[category_key(*entry.category_path)],
                    entry.barcode,
                    entry.maker,
                )
                for entry in entries
            ]
            if connection.vendor == "postgresql":
                self._upsert_postgresql(rows)
            else:
                self._upsert_portable(rows)

    def _upsert_portable(self, rows: list[ItemRow]) -> None:
        """bulk_create(update_conflicts) of the rows that are new or changed."""
        existing = {
            row[0]: row[1:]
            for row in Item.objects.filter(
                source=self.source, source_key__in=[r[0] for r in rows]
            ).values_list("source_key", "name", "category_id", "barcode", "maker")
        }
        to_write = []
        for key, name, category_id, barcode, maker in rows:
            before = existing.get(key)
            if before == (name, category_id, barcode, maker):
                self.tally.unchanged += 1
                continue
            if before is None:
                self.tally.created += 1
            else:
                self.tally.updated += 1
            to_write.append(
                Item(
                    source=self.source,
                    source_key=key,
                    name=name,
                    category_id=category_id,
                    barcode=barcode,
                    maker=maker,
                )
            )
        if to_write:
            Item.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["source", "source_key"],
                update_fields=["name", "category", "barcode", "maker", "updated_at"],
            )

    def _upsert_postgresql(self, rows: list[ItemRow]) -> None:
        """The same upsert, fed by COPY: rows go to a temporary staging table in PostgreSQL's
        own format (no per-value work in Python), then one INSERT … ON CONFLICT on the natural
        key updates only rows whose values changed; RETURNING tells inserts from updates."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS catalog_item_stage "
                "(source_key text, name text, category_id bigint, barcode text, maker text) "
                "ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE catalog_item_stage")  # an enclosing transaction's rows
            with cursor.copy(
                "COPY catalog_item_stage (source_key, name, category_id, barcode, maker) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                """
                INSERT INTO catalog_item
                    (source, source_key, name, category_id, barcode, maker, created_at, updated_at)
                SELECT %s, source_key, name, category_id, barcode, maker, now(), now()
                FROM catalog_item_stage
                ON CONFLICT (source, source_key) DO UPDATE SET
                    name = EXCLUDED.name, category_id = EXCLUDED.category_id,
                    barcode = EXCLUDED.barcode, maker = EXCLUDED.maker,
                    updated_at = EXCLUDED.updated_at
                WHERE (catalog_item.name, catalog_item.category_id, catalog_item.barcode,
                       catalog_item.maker)
                      IS DISTINCT FROM
                      (EXCLUDED.name, EXCLUDED.category_id, EXCLUDED.barcode, EXCLUDED.maker)
                RETURNING (xmax = 0)
                """,
                [self.source],
            )
            inserted = [flag for (flag,) in cursor.fetchall()]
        self.tally.created += sum(inserted)
        self.tally.updated += len(inserted) - sum(inserted)
        self.tally.unchanged += len(rows) - len(inserted)


def catalog_import(
    *,
    source: str,
    limit: int | None = None,
    workers: int | None = None,
    on_total: Callable[[int], None] | None = None,
    on_page: Callable[[int], None] | None = None,
) -> ImportRun:
    """Import one source's items (at most ``limit`` rows). Returns the finished ``ImportRun``
    (``failed`` with the error when the source refused; chunks already written stay, and a
    rerun completes them). Refuses with ``import_running`` while another import runs."""
    workers = max(1, workers or settings.CATALOG_IMPORT_WORKERS)
    api = get_source(source)
    run = _start_run(source)
    tally = _Tally()
    try:
        first = api.fetch(1, min(MAX_ROWS_PER_CALL, limit or MAX_ROWS_PER_CALL))
        total = first.total if limit is None else min(first.total, limit)
        run.total = first.total
        if on_total:
            on_total(total)
        writer = _Writer(source, tally)
        chunk: list[Entry] = []
        for page in _pages(api, first, total, workers):
            tally.pages += 1
            rows = page.rows[: max(0, total - tally.fetched)]
            tally.fetched += len(rows)
            for row in rows:
                entry = api.parse(row) if isinstance(row, dict) else None
                if entry is None:
                    tally.skipped += 1
                elif entry.source_key in tally.seen:
                    tally.duplicates += 1
                else:
                    tally.seen.add(entry.source_key)
                    chunk.append(entry)
            if len(chunk) >= CHUNK:
                writer.write(chunk)
                chunk = []
            if on_page:
                on_page(len(rows))
        writer.write(chunk)
        run.status = ImportRun.Status.SUCCEEDED
    except SourceError as error:
        logger.warning("catalog import from %s failed: %s", source, error)
        run.status, run.errors = ImportRun.Status.FAILED, f"{error.code}: {error.message}"
    except Exception as error:
        logger.exception("catalog import from %s failed", source)
        run.status, run.errors = ImportRun.Status.FAILED, f"{error.__class__.__name__}: {error}"
        raise
    finally:
        for name in ("pages", "fetched", "created", "updated", "unchanged", "skipped"):
            setattr(run, name, getattr(tally, name))
        run.duplicates, run.categories_created = tally.duplicates, tally.categories_created
        run.finished_at = timezone.now()
        run.save()
    return run
