"""``manage.py import_markets FILE.csv``: markets from a LOCALDATA 대규모점포 CSV."""

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from common.errors import DomainError
from markets.localdata import LocalDataFile, RejectReason
from markets.services import ImportSummary, market_import_localdata

SHOWN_BAD_ROWS = 20


class _TqdmStream:
    """tqdm redraws with '\\r'; OutputWrapper.write would append a newline to every redraw."""

    def __init__(self, out: OutputWrapper) -> None:
        self._out = out

    def write(self, text: str) -> None:
        # style_func=str: not the red ERROR style Django gives stderr on a terminal.
        self._out.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()


class Command(BaseCommand):
    help = (
        "LOCALDATA 대규모점포 CSV(CP949 또는 UTF-8)에서 영업 중인 마트를 가져옵니다. "
        "이미 있는 마트가 폐업·휴업 등으로 나오면 닫힌 마트로 표시하고, 다시 영업/정상으로 "
        "나오면 다시 엽니다. 관리번호 기준으로 다시 실행해도 안전합니다."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("csv_path", metavar="FILE.csv", help="LOCALDATA 대규모점포 CSV 파일")
        parser.add_argument(
            "--dry-run", action="store_true", help="읽고 검사만 하고 저장하지 않습니다."
        )
        parser.add_argument("--chunk-size", type=int, default=500, help="트랜잭션당 행 수")

    def handle(self, *args, csv_path: str, dry_run: bool, chunk_size: int, **options) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        try:
            source = LocalDataFile.open(csv_path)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        # disable=None: no bar when stderr is not a terminal (cron, CI logs).
        with tqdm(
            source,
            total=source.approx_rows(),
            unit="행",
            desc="import_markets",
            file=_TqdmStream(self.stderr),
            disable=None,
        ) as rows:

            def show(summary: ImportSummary) -> None:
                rows.set_postfix(created=summary.created, updated=summary.updated, refresh=False)

            summary = market_import_localdata(
                rows=rows, chunk_size=chunk_size, on_progress=show, dry_run=dry_run
            )

        self._print_summary(source, summary)

    def _print_summary(self, source: LocalDataFile, summary: ImportSummary) -> None:
        out = self.stdout
        title = f"{source.path.name} ({source.encoding})"
        if summary.dry_run:
            title += " — dry run, nothing written"
        out.write(self.style.MIGRATE_HEADING(title))
        out.write(f"  created:   {summary.created}")
        out.write(f"  updated:   {summary.updated}")
        out.write(f"  unchanged: {summary.unchanged}")
        out.write(f"  reopened:  {summary.reopened}")
        statuses = ", ".join(f"{s} {n}" for s, n in summary.closed_by_status.most_common())
        out.write(
            f"  closed (not imported): {summary.closed}" + (f" [{statuses}]" if statuses else "")
        )
        out.write(f"    of which marked closed now: {summary.marked_closed}")
        if summary.already_closed:
            out.write(f"    of which already closed: {summary.already_closed}")
        bad = summary.skipped_total
        out.write(f"  bad rows (skipped): {bad}")
        if not bad:
            out.write(self.style.SUCCESS("Done."))
            return
        for reason, count in summary.skipped.most_common():
            out.write(f"    {reason} ({RejectReason(reason).label}): {count}")
        shown = summary.bad_rows[:SHOWN_BAD_ROWS]
        out.write(f"  first {len(shown)} bad rows:")
        for row in shown:
            detail = f" — {row.detail}" if row.detail else ""
            source_id = f" [{row.source_id}]" if row.source_id else ""
            out.write(f"    line {row.line}: {row.reason}{source_id}{detail}")
        out.write(self.style.WARNING(f"Done with {bad} bad rows skipped."))
