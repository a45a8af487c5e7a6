"""Demo markets: real large stores in Seoul, Busan, Daegu and Daejeon.

Addresses are the stores' road-name addresses (도로명주소); the lot address (지번) is given only
where it is known for certain. Coordinates are WGS84 points on the store building, taken from
map-provider data and checked against a second source where one was available. ``source_id``
is derived from the position in ``DEMO_MARKETS``: append new stores at the end so that ids stay
stable across runs and deployments.

The stores are rows of ``data/markets.csv`` (UTF-8; columns name, brand, kind, road_address,
lot_address, lat, lng; grouped by city: 서울, 부산, 대구, 대전). ``kind`` is one of the 업태
values below, and an empty ``lot_address`` means the lot address is not known.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from common.geo import split_region
from markets.models import Market

DEMO_SOURCE_ID_PREFIX = "DEMO-"

# 업태 values as LOCALDATA spells them.
HYPERMARKET = "대형마트"
DEPARTMENT_STORE = "백화점"
SHOPPING_CENTER = "쇼핑센터"


@dataclass(frozen=True)
class DemoMarket:
    name: str
    brand: str
    kind: str
    road_address: str
    lot_address: str
    lat: float
    lng: float


_DATA_FILE = Path(__file__).parent / "data" / "markets.csv"


def _load_markets(path: Path) -> tuple[DemoMarket, ...]:
    """One ``DemoMarket`` per CSV row, in file order (the order gives the ``source_id``)."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        markets = tuple(
            DemoMarket(
                name=row["name"],
                brand=row["brand"],
                kind=row["kind"],
                road_address=row["road_address"],
                lot_address=row["lot_address"],
                lat=float(row["lat"]),
                lng=float(row["lng"]),
            )
            for row in csv.DictReader(file)
        )
    unknown = {m.kind for m in markets} - {HYPERMARKET, DEPARTMENT_STORE, SHOPPING_CENTER}
    if unknown:
        raise ValueError(f"{path}: unknown kind {sorted(unknown)}")
    return markets


DEMO_MARKETS: tuple[DemoMarket, ...] = _load_markets(_DATA_FILE)


def demo_source_id(position: int) -> str:
    """Stable id for the market at 1-based ``position`` in ``DEMO_MARKETS``."""
    return f"{DEMO_SOURCE_ID_PREFIX}{position:04d}"


def _build(position: int, spec: DemoMarket) -> Market:
    sido, sigungu = split_region(spec.road_address)
    return Market(
        source=Market.Source.DEMO,
        source_id=demo_source_id(position),
        name=spec.name,
        brand=spec.brand,
        kind=spec.kind,
        road_address=spec.road_address,
        lot_address=spec.lot_address,
        lat=spec.lat,
        lng=spec.lng,
        sido=sido,
        sigungu=sigungu,
    )


def seed_demo_markets() -> tuple[int, int]:
    """Insert or refresh the demo markets; returns (created, updated)."""
    markets = [_build(position, spec) for position, spec in enumerate(DEMO_MARKETS, start=1)]
    source_ids = [market.source_id for market in markets]
    with transaction.atomic():
        existing = set(
            Market.objects.filter(source=Market.Source.DEMO, source_id__in=source_ids).values_list(
                "source_id", flat=True
            )
        )
        Market.objects.bulk_create(
            markets,
            update_conflicts=True,
            unique_fields=["source", "source_id"],
            update_fields=[
                "name",
                "brand",
                "kind",
                "road_address",
                "lot_address",
                "lat",
                "lng",
                "sido",
                "sigungu",
                "updated_at",
            ],
        )
    return len(markets) - len(existing), len(existing)
