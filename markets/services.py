"""Market writes."""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from common.metrics import counts_import_runs
from markets.localdata import ClosedRow, MarketRow, ParsedRow, RejectedRow, RejectReason
from markets.models import Market

# Fields a LOCALDATA import owns; everything else on a market (id, created_at) is left alone.
LOCALDATA_FIELDS = (
    "name",
    "brand",
    "kind",
    "road_address",
    "lot_address",
    "lat",
    "lng",
    "sido",
    "sigungu",
)
MAX_BAD_ROW_SAMPLES = 100
# 1e-9 degrees is about 0.1 mm: a re-import of the same file compares equal.
_COORDINATE_TOLERANCE = 1e-9


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Markets an earlier import had marked closed that the file lists as operating again.
    reopened: int = 0
    # Stores the file lists as not operating (폐업, 휴업, ...), by 영업상태명: never created.
    closed: int = 0
    closed_by_status: Counter[str] = field(default_factory=Counter)
    # Of those, markets an earlier import had created: newly marked closed by this run, and
    # already marked closed before it.
    marked_closed: int = 0
    already_closed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    # The first MAX_BAD_ROW_SAMPLES bad rows, in file order, for the operator to look up.
    bad_rows: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged + self.reopened

    def reject(self, row: RejectedRow) -> None:
        self.skipped[row.reason] += 1
        if len(self.bad_rows) < MAX_BAD_ROW_SAMPLES:
            self.bad_rows.append(row)


@counts_import_runs("localdata")
def market_import_localdata(
    *,
    rows: Iterable[ParsedRow],
    chunk_size: int = 500,
    on_progress: Callable[[ImportSummary], None] | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Upsert LOCALDATA stores by (source="localdata", source_id=관리번호), ``chunk_size`` rows
    per transaction, so a failure keeps the chunks already committed and a re-run resumes.

    Rows whose stored values already match are not written (``updated_at`` keeps meaning "last
    changed"). A store the file lists as not operating (any 영업상태명 but 영업/정상: 폐업,
    휴업, 취소/말소/만료/정지/중지) is never created; if an earlier import created it, it is
    marked closed (``closed_at``; counted in ``marked_closed``), not deleted: its parties and
    favorites point at it and its page still answers, but it leaves the lists and takes no
    new party. A closed market listed as 영업/정상 again is reopened (``reopened``). When one
    관리번호 has both kinds of rows in a file, the operating one wins; an empty 영업상태명
    closes nothing.
    ``on_progress`` is called with the running summary after each chunk.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    summary = ImportSummary(dry_run=dry_run)
    closed_ids: list[str] = []
    operating_ids: set[str] = set()
    for chunk in _chunks(_accepted(rows, summary, closed_ids, operating_ids), chunk_size):
        _upsert_chunk(chunk, summary, dry_run=dry_run)
        if on_progress is not None:
            on_progress(summary)
    to_close = list(dict.fromkeys(i for i in closed_ids if i not in operating_ids))
    for start in range(0, len(to_close), chunk_size):
        _close_chunk(to_close[start : start + chunk_size], summary, dry_run=dry_run)
    return summary


def _accepted(
    rows: Iterable[ParsedRow],
    summary: ImportSummary,
    closed_ids: list[str],
    seen: set[str],
) -> Iterator[MarketRow]:
    """The rows to upsert; counts the others on the way. ``seen`` collects the 관리번호 of
    operating rows, ``closed_ids`` those of rows listed as not operating."""
    max_id_length = _max_length("source_id")
    for row in rows:
        if isinstance(row, RejectedRow):
            summary.reject(row)
        elif isinstance(row, ClosedRow):
            summary.closed += 1
            summary.closed_by_status[row.status or "(빈 값)"] += 1
            # An empty 영업상태명 is a gap in the file, not news that a store closed.
            if row.source_id and row.status:
                closed_ids.append(row.source_id)
        elif len(row.source_id) > max_id_length:
            summary.reject(
                RejectedRow(row.line, RejectReason.SOURCE_ID_TOO_LONG, row.source_id[:80])
            )
        elif row.source_id in seen:
            # One INSERT ... ON CONFLICT cannot touch a row twice (PostgreSQL refuses), and
            # two records for one 관리번호 is a data problem worth showing: keep the first.
            summary.reject(
                RejectedRow(row.line, RejectReason.DUPLICATE_SOURCE_ID, source_id=row.source_id)
            )
        else:
            seen.add(row.source_id)
            yield row


def _chunks(rows: Iterable[MarketRow], size: int) -> Iterator[list[MarketRow]]:
    chunk: list[MarketRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _upsert_chunk(chunk: list[MarketRow], summary: ImportSummary, *, dry_run: bool) -> None:
    with transaction.atomic():
        existing = {
            source_id: (closed_at, values)
            for source_id, closed_at, *values in Market.objects.filter(
                source=Market.Source.LOCALDATA, source_id__in=[r.source_id for r in chunk]
            ).values_list("source_id", "closed_at", *LOCALDATA_FIELDS)
        }
        created = updated = unchanged = reopened = 0
        to_write: list[Market] = []
        for row in chunk:
            values = _field_values(row)
            closed_at, old = existing.get(row.source_id, (None, None))
            if old is None:
                created += 1
            elif closed_at is not None:
                reopened += 1
            elif _same(old, values):
                unchanged += 1
                continue
            else:
                updated += 1
            # closed_at=None: every row written here is operating (reopens a closed one).
            to_write.append(
                Market(
                    source=Market.Source.LOCALDATA,
                    source_id=row.source_id,
                    closed_at=None,
                    **values,
                )
            )
        if to_write and not dry_run:
            Market.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["source", "source_id"],
                update_fields=[*LOCALDATA_FIELDS, "closed_at", "updated_at"],
            )
    # Counted after commit: a failed chunk adds nothing.
    summary.created += created
    summary.updated += updated
    summary.unchanged += unchanged
    summary.reopened += reopened


def _close_chunk(source_ids: list[str], summary: ImportSummary, *, dry_run: bool) -> None:
    """Mark closed the markets of these 관리번호 that are still open; count both kinds."""
    with transaction.atomic():
        markets = Market.objects.filter(source=Market.Source.LOCALDATA, source_id__in=source_ids)
        already = markets.filter(closed_at__isnull=False).count()
        still_open = markets.filter(closed_at__isnull=True)
        if dry_run:
            marked = still_open.count()
        else:
            now = timezone.now()
            marked = still_open.update(closed_at=now, updated_at=now)
    summary.marked_closed += marked
    summary.already_closed += already


def _field_values(row: MarketRow) -> dict[str, str | float]:
    values: dict[str, str | float] = {}
    for name in LOCALDATA_FIELDS:
        value = getattr(row, name)
        if isinstance(value, str):
            # Clip to the column: PostgreSQL refuses an over-long value and would fail the chunk.
            value = value[: _max_length(name)]
        values[name] = value
    return values


def _max_length(name: str) -> int:
    """The length limit of one of the market's text columns (CharFields, all limited)."""
    column = Market._meta.get_field(name)
    assert isinstance(column, models.CharField) and column.max_length is not None
    return column.max_length


def _same(old: list[Any], new: dict[str, str | float]) -> bool:
    for name, old_value in zip(LOCALDATA_FIELDS, old, strict=True):
        new_value = new[name]
        if isinstance(new_value, float):
            if not math.isclose(old_value, new_value, rel_tol=0, abs_tol=_COORDINATE_TOLERANCE):
                return False
        elif old_value != new_value:
            return False
    return True
