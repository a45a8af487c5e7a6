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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import (
    Category,
    ImportRun,
    Item,
    SynonymGroup,
    SynonymWord,
    category_key,
    category_path,
)
from catalog.sources import MAX_ROWS_PER_CALL, Entry, Page, Source, SourceError, get_source
from catalog.synonyms import SeedGroup, forget_map
from catalog.text import document
from common.errors import Conflict
from common.metrics import IMPORT_RUNS

logger = logging.getLogger(__name__)

CHUNK = 2000
STALE_AFTER = timedelta(hours=6)  # a "running" import this old died without finishing
# An item as written: (source_key, name, category_id, barcode, maker,
# search_name, search_text, search_grams).
ItemRow = tuple[str, str, int, str, str, str, str, str]


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
                    *document(name=entry.name, maker=entry.maker, categories=entry.category_path),
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
            ).values_list(
                "source_key", "name", "category_id", "barcode", "maker", *Item.SEARCH_FIELDS
            )
        }
        to_write = []
        for key, *values in rows:
            before = existing.get(key)
            if before == tuple(values):
                self.tally.unchanged += 1
                continue
            if before is None:
                self.tally.created += 1
            else:
                self.tally.updated += 1
            fields = ("name", "category_id", "barcode", "maker", *Item.SEARCH_FIELDS)
            to_write.append(
                Item(source=self.source, source_key=key, **dict(zip(fields, values, strict=True)))
            )
        if to_write:
            Item.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["source", "source_key"],
                update_fields=[
                    "name",
                    "category",
                    "barcode",
                    "maker",
                    *Item.SEARCH_FIELDS,
                    "updated_at",
                ],
            )

    def _upsert_postgresql(self, rows: list[ItemRow]) -> None:
        """The same upsert, fed by COPY: rows go to a temporary staging table in PostgreSQL's
        own format (no per-value work in Python), then one INSERT … ON CONFLICT on the natural
        key updates only rows whose values changed; RETURNING tells inserts from updates."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS catalog_item_stage_v2 "
                "(source_key text, name text, category_id bigint, barcode text, maker text, "
                "search_name text, search_text text, search_grams text) "
                "ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE catalog_item_stage_v2")  # an enclosing transaction's rows
            with cursor.copy(
                "COPY catalog_item_stage_v2 (source_key, name, category_id, barcode, maker, "
                "search_name, search_text, search_grams) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                """
                INSERT INTO catalog_item
                    (source, source_key, name, category_id, barcode, maker,
                     search_name, search_text, search_grams, created_at, updated_at)
                SELECT %s, source_key, name, category_id, barcode, maker,
                       search_name, search_text, search_grams, now(), now()
                FROM catalog_item_stage_v2
                ON CONFLICT (source, source_key) DO UPDATE SET
                    name = EXCLUDED.name, category_id = EXCLUDED.category_id,
                    barcode = EXCLUDED.barcode, maker = EXCLUDED.maker,
                    search_name = EXCLUDED.search_name, search_text = EXCLUDED.search_text,
                    search_grams = EXCLUDED.search_grams, updated_at = EXCLUDED.updated_at
                WHERE (catalog_item.name, catalog_item.category_id, catalog_item.barcode,
                       catalog_item.maker, catalog_item.search_text)
                      IS DISTINCT FROM
                      (EXCLUDED.name, EXCLUDED.category_id, EXCLUDED.barcode, EXCLUDED.maker,
                       EXCLUDED.search_text)
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
        IMPORT_RUNS.labels(source=source, outcome=run.status).inc()
    return run


REINDEX_BATCH = 2000


def item_search_reindex(*, category_ids: list[int] | None = None) -> int:
    """Recompute the search columns of every item (of these categories and their
    descendants): after the search document's shape changes, or a category is renamed.
    Returns how many rows changed."""
    items = Item.objects.select_related("category").order_by("pk")
    if category_ids is not None:
        items = items.filter(
            Q(category_id__in=category_ids)
            | Q(category__parent_id__in=category_ids)
            | Q(category__parent__parent_id__in=category_ids)
        )
    changed, last_pk = 0, 0
    while True:
        batch = list(items.filter(pk__gt=last_pk)[:REINDEX_BATCH])
        if not batch:
            return changed
        last_pk = batch[-1].pk
        stale = []
        for item in batch:
            before = (item.search_name, item.search_text, item.search_grams)
            item.set_search_document(category_path(item.category.key))
            if (item.search_name, item.search_text, item.search_grams) != before:
                stale.append(item)
        with transaction.atomic():
            Item.objects.bulk_update(stale, list(Item.SEARCH_FIELDS))
        changed += len(stale)


def category_rename(*, category: Category, name: str) -> Category:
    """A category's new name: its key and its descendants' keys follow, and the items under
    it are found by the new name."""
    with transaction.atomic():
        old_key = category.key
        new_key = category_key(*category_path(old_key)[:-1], name)
        descendants = list(Category.objects.filter(key__startswith=old_key + " > "))
        category.name, category.key = name, new_key
        category.save(update_fields=["name", "key"])
        for child in descendants:
            child.key = new_key + child.key[len(old_key) :]
        Category.objects.bulk_update(descendants, ["key"])
        item_search_reindex(category_ids=[category.pk])
    return category


def synonyms_changed() -> None:
    """Searches read the new table once this transaction commits."""
    transaction.on_commit(forget_map)


def synonyms_load(*, groups: list[SeedGroup], replace: bool = False) -> int:
    """Store the groups of a synonym file; words already in the table are left where they
    are (``replace`` empties the table first). Returns how many groups were created."""
    created = 0
    with transaction.atomic():
        if replace:
            SynonymGroup.objects.all().delete()
        taken = set(SynonymWord.objects.values_list("word", flat=True))
        for seed in groups:
            words = [word for word in seed.words if word not in taken]
            if len(words) < 2:
                continue
            group = SynonymGroup.objects.create(source=seed.source)
            SynonymWord.objects.bulk_create(SynonymWord(group=group, word=w) for w in words)
            taken.update(words)
            created += 1
        synonyms_changed()
    return created
