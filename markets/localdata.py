"""LOCALDATA 대규모점포 (large-scale stores) CSV: encoding, header check and typed rows.

Parsing only. ``LocalDataFile.open`` refuses an unusable file (missing, undecodable, without the
columns we read) before anything is written; iterating it yields one ``MarketRow`` per operating
store, a ``ClosedRow`` per store that is not operating and a ``RejectedRow`` (line number + reason)
per row that cannot be used. Writing markets is ``markets.services.market_import_localdata``.
"""

import codecs
import csv
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from pyproj import Transformer

from common.errors import DomainError
from common.geo import in_korea, split_region

# LOCALDATA publishes coordinates in Korean 1985 / Modified Central Belt (Bessel ellipsoid).
SOURCE_CRS = "EPSG:5174"
TARGET_CRS = "EPSG:4326"

OPERATING_STATUS = "영업/정상"

COL_SOURCE_ID = "관리번호"
COL_STATUS = "영업상태명"
COL_NAME = "사업장명"
COL_ROAD_ADDRESS = "도로명전체주소"
COL_LOT_ADDRESS = "소재지전체주소"
COL_KIND = "업태구분명"
COL_X = "좌표정보(X)"
COL_Y = "좌표정보(Y)"

REQUIRED_COLUMNS = (
    COL_SOURCE_ID,
    COL_STATUS,
    COL_NAME,
    COL_ROAD_ADDRESS,
    COL_LOT_ADDRESS,
    COL_KIND,
    COL_X,
    COL_Y,
)

# Other spellings of the same columns in LOCALDATA exports (older "좌표정보(x)", the
# data.go.kr "fulldata" export's "좌표정보x(epsg5174)"). Compared after _header_key().
COLUMN_ALIASES = {
    COL_X: ("좌표정보x(epsg5174)", "좌표정보(x)(epsg5174)"),
    COL_Y: ("좌표정보y(epsg5174)", "좌표정보(y)(epsg5174)"),
}

# Ordered: more specific names first ("이마트 트레이더스" before "이마트").
BRAND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("트레이더스", "이마트 트레이더스"),
    ("이마트에브리데이", "이마트 에브리데이"),
    ("노브랜드", "노브랜드"),
    ("이마트", "이마트"),
    ("emart", "이마트"),
    ("홈플러스익스프레스", "홈플러스 익스프레스"),
    ("홈플러스", "홈플러스"),
    ("롯데마트", "롯데마트"),
    ("빅마켓", "롯데마트"),
    ("롯데슈퍼", "롯데슈퍼"),
    ("코스트코", "코스트코"),
    ("costco", "코스트코"),
    ("하나로마트", "하나로마트"),
    ("하나로클럽", "하나로마트"),
    ("농협하나로", "하나로마트"),
    ("메가마트", "메가마트"),
    ("킴스클럽", "킴스클럽"),
    ("gs더프레시", "GS더프레시"),
    ("롯데백화점", "롯데백화점"),
    ("신세계백화점", "신세계백화점"),
    ("현대백화점", "현대백화점"),
    ("갤러리아", "갤러리아"),
    ("ak플라자", "AK플라자"),
    ("nc백화점", "NC백화점"),
)

_CHUNK_BYTES = 1 << 20


class RejectReason(StrEnum):
    FIELD_COUNT = "field_count"
    MALFORMED = "malformed"
    MISSING_SOURCE_ID = "missing_source_id"
    MISSING_NAME = "missing_name"
    MISSING_COORDINATES = "missing_coordinates"
    BAD_COORDINATES = "bad_coordinates"
    OUTSIDE_KOREA = "outside_korea"
    # Found by the import service, which sees the whole stream.
    DUPLICATE_SOURCE_ID = "duplicate_source_id"
    SOURCE_ID_TOO_LONG = "source_id_too_long"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    RejectReason.FIELD_COUNT: "필드 수가 헤더와 다름",
    RejectReason.MALFORMED: "CSV 형식 오류",
    RejectReason.MISSING_SOURCE_ID: "관리번호 없음",
    RejectReason.MISSING_NAME: "사업장명 없음",
    RejectReason.MISSING_COORDINATES: "좌표 없음",
    RejectReason.BAD_COORDINATES: "좌표를 숫자로 읽을 수 없음",
    RejectReason.OUTSIDE_KOREA: "변환한 좌표가 한국 밖",
    RejectReason.DUPLICATE_SOURCE_ID: "관리번호 중복",
    RejectReason.SOURCE_ID_TOO_LONG: "관리번호가 너무 김",
}


@dataclass(frozen=True, slots=True)
class MarketRow:
    """An operating store, ready to upsert. ``line`` is where its record starts (header = 1)."""

    line: int
    source_id: str
    name: str
    brand: str
    kind: str
    road_address: str
    lot_address: str
    lat: float
    lng: float
    sido: str
    sigungu: str


@dataclass(frozen=True, slots=True)
class ClosedRow:
    """A store whose 영업상태명 is not 영업/정상 (폐업, 휴업, ...): counted, not imported."""

    line: int
    source_id: str
    status: str


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: RejectReason
    detail: str = ""
    source_id: str = ""


ParsedRow = MarketRow | ClosedRow | RejectedRow


@cache
def _transformer() -> Transformer:
    # Building a transformer costs a PROJ database lookup: once per process.
    # PROJ picks EPSG:5191 (Korean 1985 -> WGS 84), so the datum shift is applied too.
    return Transformer.from_crs(SOURCE_CRS, TARGET_CRS, always_xy=True)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(lat, lng) in WGS84 of an EPSG:5174 easting/northing."""
    lng, lat = _transformer().transform(x, y)
    return lat, lng


def brand_from_name(name: str) -> str:
    key = "".join(name.split()).casefold()
    for pattern, brand in BRAND_PATTERNS:
        if pattern in key:
            return brand
    return ""


def _clean(value: str) -> str:
    # Collapse runs of spaces/tabs/newlines that hand-edited registers carry.
    return " ".join(value.split())


def _header_key(name: str) -> str:
    return "".join(name.replace("\ufeff", "").split()).casefold()


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the file starts with a UTF-8 BOM, else UTF-8 or CP949, whichever
    decodes the WHOLE file strictly (real CP949 Korean text is never valid UTF-8)."""
    with path.open("rb") as fh:
        has_bom = fh.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
    candidates = ("utf-8-sig",) if has_bom else ("utf-8", "cp949")
    failures = []
    for encoding in candidates:
        offset = _first_undecodable_byte(path, encoding)
        if offset is None:
            return encoding
        failures.append(f"{encoding}: {offset}번째 바이트")
    raise DomainError(
        "localdata_undecodable",
        f"{path.name}: CP949나 UTF-8로 읽을 수 없는 파일입니다 ({', '.join(failures)}).",
        details={"path": str(path), "tried": list(candidates)},
    )


def _first_undecodable_byte(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    consumed = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return consumed + exc.start
            if not chunk:
                return None
            consumed += len(chunk)


class LocalDataFile:
    """A validated LOCALDATA file. Iterate it for ``ParsedRow`` items; ``counts`` tallies them."""

    def __init__(self, path: Path, encoding: str, header: list[str]) -> None:
        self.path = path
        self.encoding = encoding
        self.header = header
        self.counts: Counter[str] = Counter()
        self._width = len(header)
        self._index = _column_index(path, header)

    @classmethod
    def open(cls, path: str | Path) -> "LocalDataFile":
        path = Path(path)
        if not path.is_file():
            raise DomainError(
                "localdata_not_found", f"{path}: 파일이 없습니다.", details={"path": str(path)}
            )
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as fh:
            header = next(csv.reader(fh), None)
        if not header:
            raise DomainError(
                "localdata_empty",
                f"{path.name}: 헤더 행이 없는 빈 파일입니다.",
                details={"path": str(path)},
            )
        return cls(path, encoding, header)

    def approx_rows(self) -> int:
        """Data records, counted as line breaks: exact unless a quoted field spans lines."""
        lines = 0
        last = b""
        with self.path.open("rb") as fh:
            while chunk := fh.read(_CHUNK_BYTES):
                lines += chunk.count(b"\n")
                last = chunk
        if last and not last.endswith(b"\n"):
            lines += 1
        return max(0, lines - 1)

    def __iter__(self) -> Iterator[ParsedRow]:
        with self.path.open(encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)  # header, checked in open()
            while True:
                line = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield self._count(RejectedRow(line, RejectReason.MALFORMED, str(exc)))
                    continue
                if not fields:  # blank line
                    continue
                yield self._count(self._parse(line, fields))

    def _count(self, row: ParsedRow) -> ParsedRow:
        self.counts["rows"] += 1
        if isinstance(row, MarketRow):
            self.counts["operating"] += 1
        elif isinstance(row, ClosedRow):
            self.counts["closed"] += 1
        else:
            self.counts[row.reason] += 1
        return row

    def _parse(self, line: int, fields: list[str]) -> ParsedRow:
        if len(fields) != self._width:
            return RejectedRow(
                line,
                RejectReason.FIELD_COUNT,
                f"필드 {len(fields)}개, 헤더 {self._width}개",
            )

        def get(column: str) -> str:
            return _clean(fields[self._index[column]])

        source_id = get(COL_SOURCE_ID)
        status = get(COL_STATUS)
        if status != OPERATING_STATUS:
            # Checked first: a closed store's other fields do not matter, so they are no error.
            return ClosedRow(line, source_id, status)
        if not source_id:
            return RejectedRow(line, RejectReason.MISSING_SOURCE_ID)
        name = get(COL_NAME)
        if not name:
            return RejectedRow(line, RejectReason.MISSING_NAME, source_id=source_id)

        raw_x, raw_y = get(COL_X), get(COL_Y)
        if not raw_x or not raw_y:
            return RejectedRow(line, RejectReason.MISSING_COORDINATES, source_id=source_id)
        try:
            x, y = float(raw_x), float(raw_y)
        except ValueError:
            x = y = math.nan
        if not (math.isfinite(x) and math.isfinite(y)):
            return RejectedRow(
                line, RejectReason.BAD_COORDINATES, f"X={raw_x!r}, Y={raw_y!r}", source_id
            )
        lat, lng = to_wgs84(x, y)
        if not (math.isfinite(lat) and math.isfinite(lng) and in_korea(lat, lng)):
            return RejectedRow(
                line,
                RejectReason.OUTSIDE_KOREA,
                f"X={raw_x}, Y={raw_y} -> 위도 {lat:.5f}, 경도 {lng:.5f}",
                source_id,
            )

        road_address, lot_address = get(COL_ROAD_ADDRESS), get(COL_LOT_ADDRESS)
        sido, sigungu = split_region(road_address)
        if not sido:
            sido, sigungu = split_region(lot_address)
        return MarketRow(
            line=line,
            source_id=source_id,
            name=name,
            brand=brand_from_name(name),
            kind=get(COL_KIND),
            road_address=road_address,
            lot_address=lot_address,
            lat=lat,
            lng=lng,
            sido=sido,
            sigungu=sigungu,
        )


def _column_index(path: Path, header: list[str]) -> dict[str, int]:
    """Required column -> its position, by name (the column order differs between exports)."""
    positions = {_header_key(name): i for i, name in reversed(list(enumerate(header)))}
    index: dict[str, int] = {}
    missing = []
    for column in REQUIRED_COLUMNS:
        keys = (_header_key(column), *(_header_key(a) for a in COLUMN_ALIASES.get(column, ())))
        found = next((positions[k] for k in keys if k in positions), None)
        if found is None:
            missing.append(column)
        else:
            index[column] = found
    if missing:
        raise DomainError(
            "localdata_missing_columns",
            f"{path.name}: LOCALDATA 대규모점포 파일에 필요한 열이 없습니다: {', '.join(missing)}",
            details={"missing": missing, "header": header},
        )
    return index
