"""Centroids of 시군구 for the offline geocoder.

Each point is the district (or city) office in WGS84: people think of "해운대구" as where its
구청 is, and an office is always on land inside the district, unlike a geometric centroid.
Covered: every 구/군 of the special and metropolitan cities, Sejong, the cities of Gyeonggi
(with their 구), and the main cities of the other provinces. A 구 of a city that is missing
here falls back to the city itself (see ``lookup``).

The table is ``data/districts.csv`` (UTF-8; columns sido, sigungu, lat, lng, note), grouped by
시도; ``note`` explains an unusual row and is not loaded.
"""

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class District:
    sido: str  # full 시도 name, as in common.geo.SIDO_NAMES values
    sigungu: str  # "" for Sejong (no 시군구), "수원시 팔달구" for a 구 of a city
    lat: float
    lng: float


_DATA_FILE = Path(__file__).parent / "data" / "districts.csv"


def _load_districts(path: Path) -> tuple[District, ...]:
    """One ``District`` per CSV row, in file order; the ``note`` column is for readers only."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return tuple(
            District(row["sido"], row["sigungu"], float(row["lat"]), float(row["lng"]))
            for row in csv.DictReader(file)
        )


DISTRICTS: tuple[District, ...] = _load_districts(_DATA_FILE)

_BY_REGION: dict[tuple[str, str], District] = {(d.sido, d.sigungu): d for d in DISTRICTS}

# 시군구 name -> districts with that name in any 시도 (중구, 동구, 서구 … exist in several).
_BY_NAME: dict[str, list[District]] = {}
for _district in DISTRICTS:
    if _district.sigungu:
        _BY_NAME.setdefault(_district.sigungu, []).append(_district)


def lookup(sido: str, sigungu: str) -> District | None:
    """The district for a full 시도 name and a 시군구 as ``common.geo.split_region`` gives it.

    "수원시 팔달구" not in the table falls back to "수원시": the city office is still close.
    """
    district = _BY_REGION.get((sido, sigungu))
    if district is None and " " in sigungu:
        district = _BY_REGION.get((sido, sigungu.split(" ", 1)[0]))
    return district


def find_by_name(sigungu: str) -> District | None:
    """The district called ``sigungu`` when only one 시도 has one ("해운대구"); else None."""
    matches = _BY_NAME.get(sigungu, [])
    return matches[0] if len(matches) == 1 else None
