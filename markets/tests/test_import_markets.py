"""``import_markets``: LOCALDATA 대규모점포 CSV -> markets.

The fixture (``fixtures/localdata_sample.csv``, made by ``make_localdata_fixture.py``) holds 9
operating stores, 2 closed ones and 7 broken rows, in CP949 with the real 29-column header.
"""

import codecs
import csv
import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from common.geo import haversine_km
from markets.localdata import (
    ClosedRow,
    LocalDataFile,
    MarketRow,
    RejectedRow,
    RejectReason,
    brand_from_name,
    to_wgs84,
)
from markets.models import Market
from markets.services import market_import_localdata
from markets.tests import make_localdata_fixture

FIXTURE = Path(__file__).with_name("fixtures") / "localdata_sample.csv"

OPERATING = {
    "3530000-114-2002-00003": "이마트 연수점",
    "3860000-114-1997-00001": "이마트 부천점",
    "3130000-114-2012-00002": "홈플러스 합정점",
    "3010000-114-2004-00001": "롯데마트 서울역점",
    "3210000-114-1998-00002": "코스트코 양재점",
    "4000000-114-2016-00001": "이마트 트레이더스 하남점",
    "3330000-114-2009-00001": "신세계백화점 센텀시티점",
    "6500000-114-2001-00001": "이마트 제주점",
    "3000000-114-2013-00004": "광장시장",
}
CLOSED = {"3160000-114-2000-00004", "3230000-114-1999-00001"}
BAD_ROWS = {  # line number -> reason
    8: "missing_source_id",
    10: "bad_coordinates",
    12: "missing_coordinates",
    15: "outside_korea",
    17: "field_count",
    18: "missing_name",
    19: "duplicate_source_id",
}

# Published WGS84 positions (Kakao Local places 8041320 and 8046326).
EMART_YEONSU = (37.4039703012009, 126.680727117911)
EMART_BUCHEON = (37.4839092139729, 126.782873933987)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_km(a[0], a[1], b[0], b[1]) * 1000


def run_import(path: Path = FIXTURE, *args: str) -> str:
    out = StringIO()
    call_command("import_markets", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write_variant(tmp_path: Path, *, replace: dict[str, str], encoding: str = "cp949") -> Path:
    """The fixture with text replaced, saved in ``encoding`` ("utf-8-sig" writes a BOM)."""
    text = FIXTURE.read_bytes().decode("cp949")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "variant.csv"
    path.write_bytes(text.encode(encoding))
    return path


# --- An independent EPSG:5174 -> WGS84 conversion, to check PROJ and the fixture against. ---
# Inverse Transverse Mercator: Snyder, "Map Projections — A Working Manual" (USGS PP 1395,
# 1987), eqs. 3-21, 7-19, 8-18..8-25. Datum shift: EPSG:5191 "Korean 1985 to WGS 84 (1)",
# Molodensky-Badekas, coordinate frame rotation, parameters as the EPSG registry publishes them
# (formula: IOGP Guidance Note 7-2, method 9636).
BESSEL = (6377397.155, 1 / 299.1528128)
WGS84 = (6378137.0, 1 / 298.257223563)
ORIGIN_LAT, ORIGIN_LNG = 38.0, 127.0 + 10.405 / 3600  # 127°00'10.405"E
FALSE_EASTING, FALSE_NORTHING = 200000.0, 500000.0
EPSG_5191 = {
    "t": (-145.907, 505.034, 685.756),  # metres
    "r": (-1.162, 2.347, 1.592),  # arc-seconds
    "ds": 6.342,  # ppm
    "p": (-3159521.31, 4068151.32, 3748113.85),  # evaluation point, metres
}


def _meridian_arc(phi: float, a: float, e2: float) -> float:
    e4, e6 = e2 * e2, e2**3
    return a * (
        (1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
        - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
        + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
        - (35 * e6 / 3072) * math.sin(6 * phi)
    )


def bessel_lat_lng(x: float, y: float) -> tuple[float, float]:
    """Korean 1985 (Bessel) latitude/longitude of an EPSG:5174 point: no datum shift."""
    a, f = BESSEL
    e2 = 2 * f - f * f
    ep2 = e2 / (1 - e2)
    m = _meridian_arc(math.radians(ORIGIN_LAT), a, e2) + (y - FALSE_NORTHING)
    mu = m / (a * (1 - e2 / 4 - 3 * e2**2 / 64 - 5 * e2**3 / 256))
    e1 = (1 - math.sqrt(1 - e2)) / (1 + math.sqrt(1 - e2))
    phi1 = (
        mu
        + (3 * e1 / 2 - 27 * e1**3 / 32) * math.sin(2 * mu)
        + (21 * e1**2 / 16 - 55 * e1**4 / 32) * math.sin(4 * mu)
        + (151 * e1**3 / 96) * math.sin(6 * mu)
        + (1097 * e1**4 / 512) * math.sin(8 * mu)
    )
    sin1, cos1, tan1 = math.sin(phi1), math.cos(phi1), math.tan(phi1)
    c1, t1 = ep2 * cos1**2, tan1**2
    n1 = a / math.sqrt(1 - e2 * sin1**2)
    r1 = a * (1 - e2) / (1 - e2 * sin1**2) ** 1.5
    d = (x - FALSE_EASTING) / n1
    phi = phi1 - (n1 * tan1 / r1) * (
        d**2 / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1**2 - 9 * ep2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1**2 - 252 * ep2 - 3 * c1**2) * d**6 / 720
    )
    lam = (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1**2 + 8 * ep2 + 24 * t1**2) * d**5 / 120
    ) / cos1
    return math.degrees(phi), ORIGIN_LNG + math.degrees(lam)


def _geocentric(lat: float, lng: float, ellipsoid: tuple[float, float]) -> tuple[float, ...]:
    a, f = ellipsoid
    e2 = 2 * f - f * f
    phi, lam = math.radians(lat), math.radians(lng)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        n * math.cos(phi) * math.cos(lam),
        n * math.cos(phi) * math.sin(lam),
        n * (1 - e2) * math.sin(phi),
    )


def _geodetic(x: float, y: float, z: float, ellipsoid: tuple[float, float]) -> tuple[float, float]:
    a, f = ellipsoid
    e2 = 2 * f - f * f
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z + e2 * n * math.sin(phi), p)
    return math.degrees(phi), math.degrees(math.atan2(y, x))


def independent_wgs84(x: float, y: float) -> tuple[float, float]:
    lat, lng = bessel_lat_lng(x, y)
    source = _geocentric(lat, lng, BESSEL)
    rx, ry, rz = (math.radians(r / 3600) for r in EPSG_5191["r"])
    scale = 1 + EPSG_5191["ds"] * 1e-6
    dx, dy, dz = (s - p for s, p in zip(source, EPSG_5191["p"], strict=True))
    rotated = (dx + rz * dy - ry * dz, -rz * dx + dy + rx * dz, ry * dx - rx * dy + dz)
    target = (
        scale * r + p + t for r, p, t in zip(rotated, EPSG_5191["p"], EPSG_5191["t"], strict=True)
    )
    return _geodetic(*target, WGS84)


def fixture_xy(source_id: str) -> tuple[float, float]:
    source = LocalDataFile.open(FIXTURE)
    x_col, y_col = source.header.index("좌표정보(X)"), source.header.index("좌표정보(Y)")
    id_col = source.header.index("관리번호")
    with FIXTURE.open(encoding="cp949", newline="") as fh:
        for fields in csv.reader(fh):
            if len(fields) > y_col and fields[id_col] == source_id:
                return float(fields[x_col]), float(fields[y_col])
    raise LookupError(source_id)


# --- The file ----------------------------------------------------------------------------


def test_fixture_is_really_cp949_bytes():
    raw = FIXTURE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "이마트 연수점" in raw.decode("cp949")
    assert LocalDataFile.open(FIXTURE).encoding == "cp949"


def test_fixture_matches_its_generator():
    assert FIXTURE.read_bytes() == make_localdata_fixture.build_text().encode("cp949")


def test_parser_yields_typed_rows_with_line_numbers_and_counts():
    source = LocalDataFile.open(FIXTURE)
    rows = list(source)
    markets = [r for r in rows if isinstance(r, MarketRow)]
    closed = [r for r in rows if isinstance(r, ClosedRow)]
    rejected = {r.line: r.reason for r in rows if isinstance(r, RejectedRow)}
    # The parser does not know about duplicates: the service, seeing the stream, does.
    assert len(markets) == len(OPERATING) + 1
    assert {r.source_id for r in closed} == CLOSED
    assert {r.status for r in closed} == {"폐업"}
    assert rejected == {k: v for k, v in BAD_ROWS.items() if v != "duplicate_source_id"}
    assert source.counts["closed"] == 2
    assert source.counts["operating"] == 10
    assert source.counts["rows"] == 18
    assert source.approx_rows() == 18


# --- Import results ----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_one_market_per_operating_store():
    run_import()
    markets = Market.objects.filter(source=Market.Source.LOCALDATA)
    assert dict(markets.values_list("source_id", "name")) == OPERATING


@pytest.mark.django_db
def test_closed_stores_are_not_imported():
    run_import()
    assert not Market.objects.filter(source_id__in=CLOSED).exists()
    assert not Market.objects.filter(name__in=["롯데마트 구로점", "홈플러스 대구점"]).exists()


@pytest.mark.django_db
def test_each_bad_row_is_skipped_and_counted_with_its_reason_and_line():
    summary = market_import_localdata(rows=LocalDataFile.open(FIXTURE))
    assert {row.line: str(row.reason) for row in summary.bad_rows} == BAD_ROWS
    assert summary.skipped == {reason: 1 for reason in BAD_ROWS.values()}
    assert summary.closed == 2
    assert summary.closed_by_status == {"폐업": 2}
    assert (summary.created, summary.updated, summary.unchanged) == (9, 0, 0)
    outside = next(r for r in summary.bad_rows if r.reason == RejectReason.OUTSIDE_KOREA)
    assert outside.source_id == "3940000-114-2006-00001"


@pytest.mark.django_db
def test_korean_names_and_addresses_are_decoded_from_cp949():
    run_import()
    market = Market.objects.get(source_id="3130000-114-2012-00002")
    assert market.name == "홈플러스 합정점"
    # The quoted comma stays inside the field.
    assert market.road_address == "서울특별시 마포구 양화로 45, 메세나폴리스 지하2층 (서교동)"
    assert market.lot_address == "서울특별시 마포구 서교동 490 메세나폴리스"
    assert market.kind == "대형마트"


@pytest.mark.django_db
def test_brand_kind_and_region_come_from_name_and_address():
    run_import()
    got = {
        m.name: (m.brand, m.kind, m.sido, m.sigungu)
        for m in Market.objects.filter(source=Market.Source.LOCALDATA)
    }
    assert got == {
        "이마트 연수점": ("이마트", "대형마트", "인천광역시", "연수구"),
        "이마트 부천점": ("이마트", "대형마트", "경기도", "부천시 소사구"),
        "홈플러스 합정점": ("홈플러스", "대형마트", "서울특별시", "마포구"),
        "롯데마트 서울역점": ("롯데마트", "대형마트", "서울특별시", "중구"),
        "코스트코 양재점": ("코스트코", "대형마트", "서울특별시", "서초구"),
        "이마트 트레이더스 하남점": ("이마트 트레이더스", "대형마트", "경기도", "하남시"),
        "신세계백화점 센텀시티점": ("신세계백화점", "백화점", "부산광역시", "해운대구"),
        # No road address in the file: the region comes from the lot address.
        "이마트 제주점": ("이마트", "대형마트", "제주특별자치도", "제주시"),
        "광장시장": ("", "시장", "서울특별시", "종로구"),
    }


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("(주)이마트 용산점", "이마트"),
        ("이마트트레이더스 월계점", "이마트 트레이더스"),
        ("트레이더스 홀세일 클럽 안성점", "이마트 트레이더스"),
        ("홈플러스(주) 강서점", "홈플러스"),
        ("롯데쇼핑(주)롯데마트 잠실점", "롯데마트"),
        ("코스트코코리아 상봉점", "코스트코"),
        ("농협하나로마트 양재점", "하나로마트"),
        ("하나로클럽 창동점", "하나로마트"),
        ("동네 종합상가", ""),
    ],
)
def test_brand_is_derived_from_the_store_name(name, brand):
    assert brand_from_name(name) == brand


# --- Coordinates -------------------------------------------------------------------------


def test_projection_origin_converts_to_the_datum_shifted_point():
    # EPSG:5174's false origin (200000 E, 500000 N) is, by definition, 38°N 127°00'10.405"E on
    # Korean 1985. In WGS84 it moves by the EPSG:5191 shift: ~190 m west and ~305 m north.
    assert bessel_lat_lng(200000, 500000) == pytest.approx((38.0, ORIGIN_LNG), abs=1e-9)
    expected = independent_wgs84(200000, 500000)
    assert expected == pytest.approx((38.002746, 127.000784), abs=2e-6)
    assert metres(to_wgs84(200000, 500000), expected) < 1
    assert 300 < metres((38.0, ORIGIN_LNG), expected) < 400


@pytest.mark.parametrize("source_id", sorted(OPERATING))
def test_fixture_coordinates_agree_with_the_independent_conversion(source_id):
    x, y = fixture_xy(source_id)
    assert metres(to_wgs84(x, y), independent_wgs84(x, y)) < 1


@pytest.mark.django_db
def test_imported_points_are_within_30_m_of_the_published_positions():
    run_import()
    for source_id, published in [
        ("3530000-114-2002-00003", EMART_YEONSU),
        ("3860000-114-1997-00001", EMART_BUCHEON),
    ]:
        market = Market.objects.get(source_id=source_id)
        assert metres((market.lat, market.lng), published) < 30
        # The fixture's X/Y stand on their own: the hand-written conversion agrees.
        assert metres(independent_wgs84(*fixture_xy(source_id)), published) < 30
        # Reading the same X/Y as Bessel lat/lng (no datum shift) lands hundreds of metres off.
        assert metres(bessel_lat_lng(*fixture_xy(source_id)), published) > 200


@pytest.mark.django_db
def test_every_imported_point_is_where_the_fixture_store_is():
    run_import()
    positions = {
        s.source_id: (s.lat, s.lng) for s in make_localdata_fixture.STORES if s.lat is not None
    }
    for market in Market.objects.filter(source=Market.Source.LOCALDATA):
        assert metres((market.lat, market.lng), positions[market.source_id]) < 30


# --- Re-import ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_second_import_creates_nothing_and_leaves_rows_untouched():
    run_import()
    before = dict(Market.objects.values_list("source_id", "updated_at"))
    summary = market_import_localdata(rows=LocalDataFile.open(FIXTURE))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 9)
    assert Market.objects.count() == 9
    assert dict(Market.objects.values_list("source_id", "updated_at")) == before


@pytest.mark.django_db
def test_reimport_with_a_changed_name_updates_that_row(tmp_path):
    run_import()
    original = Market.objects.get(source_id="3010000-114-2004-00001")
    renamed = write_variant(tmp_path, replace={'"롯데마트 서울역점"': '"롯데마트 맥스 서울역점"'})
    summary = market_import_localdata(rows=LocalDataFile.open(renamed))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 8)
    market = Market.objects.get(source_id="3010000-114-2004-00001")
    assert market.pk == original.pk
    assert market.name == "롯데마트 맥스 서울역점"
    assert market.created_at == original.created_at
    assert market.updated_at > original.updated_at


# 신세계백화점 센텀시티점 (the only store in 부산광역시) listed as not operating.
def centum_as(status: str) -> dict[str, str]:
    return {
        '"01","영업/정상","01","영업중","","","","","","12345.67","","부산광역시': (
            f'"03","{status}","03","{status}","20240101","","","","","12345.67","","부산광역시'
        )
    }


CENTUM = "3330000-114-2009-00001"


@pytest.mark.django_db
def test_store_imported_earlier_and_now_closed_is_marked_closed_not_deleted(tmp_path):
    run_import()
    before = Market.objects.get(source_id=CENTUM)
    summary = market_import_localdata(
        rows=LocalDataFile.open(write_variant(tmp_path, replace=centum_as("폐업")))
    )
    assert summary.closed == 3
    assert summary.closed_by_status == {"폐업": 3}
    # The two closed stores of the fixture were never imported: only Centum is marked.
    assert (summary.marked_closed, summary.already_closed) == (1, 0)
    assert (summary.created, summary.updated, summary.unchanged, summary.reopened) == (0, 0, 8, 0)
    market = Market.objects.get(source_id=CENTUM)
    assert market.pk == before.pk
    assert market.name == "신세계백화점 센텀시티점"
    assert market.closed_at is not None
    assert market.updated_at > before.updated_at
    assert list(Market.objects.filter(closed_at__isnull=False)) == [market]


@pytest.mark.django_db
def test_store_on_a_break_is_closed_too(tmp_path):
    run_import()
    summary = market_import_localdata(
        rows=LocalDataFile.open(write_variant(tmp_path, replace=centum_as("휴업")))
    )
    assert summary.closed_by_status == {"폐업": 2, "휴업": 1}
    assert summary.marked_closed == 1
    assert Market.objects.get(source_id=CENTUM).closed_at is not None


@pytest.mark.django_db
def test_closed_store_listed_as_operating_again_is_reopened(tmp_path):
    run_import()
    closing = write_variant(tmp_path, replace=centum_as("폐업"))
    market_import_localdata(rows=LocalDataFile.open(closing))
    # The same closing file again: already closed, the closing time stays.
    closed_at = Market.objects.get(source_id=CENTUM).closed_at
    again = market_import_localdata(rows=LocalDataFile.open(closing))
    assert (again.marked_closed, again.already_closed) == (0, 1)
    assert Market.objects.get(source_id=CENTUM).closed_at == closed_at

    summary = market_import_localdata(rows=LocalDataFile.open(FIXTURE))
    assert summary.reopened == 1
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 8)
    assert (summary.marked_closed, summary.already_closed) == (0, 0)
    assert summary.imported == 9
    assert not Market.objects.filter(closed_at__isnull=False).exists()


@pytest.mark.django_db
def test_dry_run_counts_closing_and_reopening_without_writing(tmp_path):
    run_import()
    closing = write_variant(tmp_path, replace=centum_as("폐업"))
    summary = market_import_localdata(rows=LocalDataFile.open(closing), dry_run=True)
    assert summary.marked_closed == 1
    assert Market.objects.get(source_id=CENTUM).closed_at is None
    market_import_localdata(rows=LocalDataFile.open(closing))
    reopening = market_import_localdata(rows=LocalDataFile.open(FIXTURE), dry_run=True)
    assert reopening.reopened == 1
    assert Market.objects.get(source_id=CENTUM).closed_at is not None


@pytest.mark.django_db
def test_operating_row_wins_over_a_closed_row_for_the_same_store():
    row = MarketRow(
        line=2, source_id="9000000-114-2020-00001", name="이마트 테스트점", brand="이마트",
        kind="대형마트", road_address="", lot_address="", lat=37.5, lng=127.0, sido="",
        sigungu="",
    )  # fmt: skip
    market_import_localdata(rows=[row])
    closed = ClosedRow(line=3, source_id=row.source_id, status="폐업")
    summary = market_import_localdata(rows=[closed, row])
    assert summary.marked_closed == 0
    assert Market.objects.get(source_id=row.source_id).closed_at is None
    # An empty 영업상태명 is a gap in the file: it closes nothing.
    summary = market_import_localdata(rows=[ClosedRow(line=2, source_id=row.source_id, status="")])
    assert (summary.closed, summary.marked_closed) == (1, 0)
    assert Market.objects.get(source_id=row.source_id).closed_at is None


@pytest.mark.django_db
def test_small_chunks_give_the_same_result():
    progress = []
    summary = market_import_localdata(
        rows=LocalDataFile.open(FIXTURE),
        chunk_size=2,
        on_progress=lambda s: progress.append(s.created),
    )
    assert summary.created == 9
    assert progress == [2, 4, 6, 8, 9]
    assert Market.objects.count() == 9


@pytest.mark.django_db
def test_service_skips_a_source_id_longer_than_the_column():
    row = MarketRow(
        line=2, source_id="9" * 65, name="이마트 테스트점", brand="이마트", kind="대형마트",
        road_address="", lot_address="", lat=37.5, lng=127.0, sido="", sigungu="",
    )  # fmt: skip
    summary = market_import_localdata(rows=[row])
    assert summary.skipped == {"source_id_too_long": 1}
    assert not Market.objects.exists()


# --- Refused files -----------------------------------------------------------------------


@pytest.mark.django_db
def test_file_missing_a_required_column_is_refused_and_nothing_written(tmp_path):
    path = write_variant(tmp_path, replace={'"업태구분명"': '"업태"'})
    with pytest.raises(CommandError, match="업태구분명"):
        run_import(path)
    assert not Market.objects.exists()


@pytest.mark.django_db
def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="파일이 없습니다"):
        run_import(tmp_path / "nope.csv")


@pytest.mark.django_db
def test_undecodable_file_is_a_command_error(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(FIXTURE.read_bytes()[:400] + b"\xff\xfe\xff" + FIXTURE.read_bytes()[400:])
    with pytest.raises(CommandError, match="CP949나 UTF-8"):
        run_import(path)
    assert not Market.objects.exists()


# --- Other encodings and header spellings ------------------------------------------------


@pytest.mark.django_db
def test_utf8_file_with_bom_imports_the_same_markets(tmp_path):
    path = write_variant(tmp_path, replace={}, encoding="utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert LocalDataFile.open(path).encoding == "utf-8-sig"
    run_import(path)
    assert dict(Market.objects.values_list("source_id", "name")) == OPERATING


@pytest.mark.django_db
def test_header_spelling_of_the_data_go_kr_export_is_accepted(tmp_path):
    path = write_variant(
        tmp_path,
        replace={
            '"좌표정보(X)"': '"좌표정보x(EPSG5174)"',
            '"좌표정보(Y)"': '"좌표정보y(EPSG5174)"',
        },
    )
    run_import(path)
    assert Market.objects.count() == 9


# --- Command output ----------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_the_summary():
    out = run_import()
    assert "localdata_sample.csv (cp949)" in out
    assert "created:   9" in out
    assert "updated:   0" in out
    assert "reopened:  0" in out
    assert "closed (not imported): 2 [폐업 2]" in out
    assert "of which marked closed now: 0" in out
    assert "bad rows (skipped): 7" in out
    assert "missing_coordinates (좌표 없음): 1" in out
    for line, reason in BAD_ROWS.items():
        assert f"line {line}: {reason}" in out


@pytest.mark.django_db
def test_command_prints_closed_and_reopened_counts(tmp_path):
    run_import()
    out = run_import(write_variant(tmp_path, replace=centum_as("폐업")))
    assert "closed (not imported): 3 [폐업 3]" in out
    assert "of which marked closed now: 1" in out
    assert "of which already closed" not in out
    out = run_import(write_variant(tmp_path, replace=centum_as("폐업")))
    assert "of which marked closed now: 0" in out
    assert "of which already closed: 1" in out
    out = run_import()
    assert "reopened:  1" in out


@pytest.mark.django_db
def test_dry_run_reports_without_writing():
    out = run_import(FIXTURE, "--dry-run")
    assert "dry run, nothing written" in out
    assert "created:   9" in out
    assert not Market.objects.exists()
