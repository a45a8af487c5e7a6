"""Demo markets: real large stores in Seoul, Busan, Daegu and Daejeon.

Addresses are the stores' road-name addresses (도로명주소); the lot address (지번) is given only
where it is known for certain. Coordinates are WGS84 points on the store building, taken from
map-provider data and checked against a second source where one was available. ``source_id``
is derived from the position in ``DEMO_MARKETS``: append new stores at the end so that ids stay
stable across runs and deployments.
"""

from dataclasses import dataclass

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


DEMO_MARKETS: tuple[DemoMarket, ...] = (
    # --- 서울특별시 ---------------------------------------------------------------------
    DemoMarket(
        "이마트 성수점",
        "이마트",
        HYPERMARKET,
        "서울특별시 성동구 뚝섬로 379",
        "서울특별시 성동구 성수동2가 333-16",
        37.5399,
        127.0533,
    ),
    DemoMarket(
        "이마트 용산점",
        "이마트",
        HYPERMARKET,
        "서울특별시 용산구 한강대로23길 55",
        "서울특별시 용산구 한강로3가 40-999",
        37.5296,
        126.9655,
    ),
    DemoMarket(
        "이마트 왕십리점",
        "이마트",
        HYPERMARKET,
        "서울특별시 성동구 왕십리광장로 17",
        "",
        37.5619,
        127.0383,
    ),
    DemoMarket(
        "이마트 월계점",
        "이마트",
        HYPERMARKET,
        "서울특별시 노원구 마들로3길 15",
        "",
        37.6265,
        127.0620,
    ),
    DemoMarket(
        "이마트 자양점",
        "이마트",
        HYPERMARKET,
        "서울특별시 광진구 아차산로 272",
        "",
        37.5385,
        127.0729,
    ),
    DemoMarket(
        "이마트 목동점",
        "이마트",
        HYPERMARKET,
        "서울특별시 양천구 오목로 299",
        "",
        37.5259,
        126.8703,
    ),
    DemoMarket(
        "이마트 마포점",
        "이마트",
        HYPERMARKET,
        "서울특별시 마포구 백범로 212",
        "",
        37.5424,
        126.9535,
    ),
    DemoMarket(
        "이마트 은평점",
        "이마트",
        HYPERMARKET,
        "서울특별시 은평구 은평로 111",
        "",
        37.6004,
        126.9202,
    ),
    DemoMarket(
        "롯데마트 제타플렉스 잠실점",
        "롯데마트",
        HYPERMARKET,
        "서울특별시 송파구 올림픽로 240",
        "서울특별시 송파구 잠실동 40-1",
        37.5116,
        127.0963,
    ),
    DemoMarket(
        "롯데마트 서울역점",
        "롯데마트",
        HYPERMARKET,
        "서울특별시 중구 청파로 426",
        "서울특별시 중구 봉래동2가 122",
        37.5558,
        126.9685,
    ),
    DemoMarket(
        "롯데마트 청량리점",
        "롯데마트",
        HYPERMARKET,
        "서울특별시 동대문구 왕산로 214",
        "",
        37.5805,
        127.0486,
    ),
    DemoMarket(
        "홈플러스 월드컵점",
        "홈플러스",
        HYPERMARKET,
        "서울특별시 마포구 월드컵로 240",
        "서울특별시 마포구 성산동 515",
        37.5692,
        126.8978,
    ),
    DemoMarket(
        "농협하나로마트 양재점",
        "하나로마트",
        HYPERMARKET,
        "서울특별시 서초구 청계산로 10",
        "서울특별시 서초구 양재동 230",
        37.4634,
        127.0425,
    ),
    DemoMarket(
        "코스트코 양재점",
        "코스트코",
        HYPERMARKET,
        "서울특별시 서초구 양재대로 159",
        "",
        37.4623,
        127.0366,
    ),
    DemoMarket(
        "킴스클럽 강남점",
        "킴스클럽",
        HYPERMARKET,
        "서울특별시 서초구 잠원로 51",
        "서울특별시 서초구 잠원동 70-2",
        37.5092,
        127.0074,
    ),
    DemoMarket(
        "현대백화점 압구정본점",
        "현대백화점",
        DEPARTMENT_STORE,
        "서울특별시 강남구 압구정로 165",
        "서울특별시 강남구 압구정동 429",
        37.5274,
        127.0275,
    ),
    DemoMarket(
        "신세계백화점 강남점",
        "신세계백화점",
        DEPARTMENT_STORE,
        "서울특별시 서초구 신반포로 176",
        "서울특별시 서초구 반포동 19-3",
        37.5050,
        127.0040,
    ),
    # --- 부산광역시 ---------------------------------------------------------------------
    DemoMarket(
        "신세계백화점 센텀시티점",
        "신세계백화점",
        DEPARTMENT_STORE,
        "부산광역시 해운대구 센텀남대로 35",
        "부산광역시 해운대구 우동 1495",
        35.1689,
        129.1297,
    ),
    DemoMarket(
        "롯데백화점 센텀시티점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "부산광역시 해운대구 센텀남대로 59",
        "부산광역시 해운대구 우동 1496",
        35.1698,
        129.1311,
    ),
    DemoMarket(
        "롯데백화점 부산본점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "부산광역시 부산진구 가야대로 772",
        "부산광역시 부산진구 부전동 503-15",
        35.1569,
        129.0565,
    ),
    DemoMarket(
        "현대백화점 부산점",
        "현대백화점",
        DEPARTMENT_STORE,
        "부산광역시 동구 범일로 125",
        "부산광역시 동구 범일동 62-5",
        35.1413,
        129.0586,
    ),
    DemoMarket(
        "코스트코 부산점",
        "코스트코",
        HYPERMARKET,
        "부산광역시 수영구 구락로 137",
        "",
        35.1782,
        129.1154,
    ),
    DemoMarket(
        "이마트 트레이더스 서면점",
        "이마트 트레이더스",
        HYPERMARKET,
        "부산광역시 부산진구 시민공원로 31",
        "",
        35.1643,
        129.0518,
    ),
    DemoMarket(
        "롯데백화점 광복점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "부산광역시 중구 중앙대로 2",
        "부산광역시 중구 중앙동7가 20-1",
        35.0978,
        129.0364,
    ),
    DemoMarket(
        "이마트 해운대점",
        "이마트",
        HYPERMARKET,
        "부산광역시 해운대구 좌동순환로 511",
        "부산광역시 해운대구 중동 1767",
        35.1659,
        129.1673,
    ),
    DemoMarket(
        "롯데백화점 동래점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "부산광역시 동래구 중앙대로 1393",
        "",
        35.2115,
        129.0777,
    ),
    # --- 대구광역시 ---------------------------------------------------------------------
    DemoMarket(
        "현대백화점 대구점",
        "현대백화점",
        DEPARTMENT_STORE,
        "대구광역시 중구 달구벌대로 2077",
        "대구광역시 중구 계산동2가 200",
        35.8666,
        128.5906,
    ),
    DemoMarket(
        "롯데백화점 대구점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "대구광역시 북구 태평로 161",
        "",
        35.8761,
        128.5956,
    ),
    DemoMarket(
        "대구신세계",
        "신세계백화점",
        DEPARTMENT_STORE,
        "대구광역시 동구 동부로 149",
        "",
        35.8777,
        128.6290,
    ),
    DemoMarket(
        "코스트코 대구점",
        "코스트코",
        HYPERMARKET,
        "대구광역시 북구 검단로 97",
        "",
        35.9068,
        128.6130,
    ),
    DemoMarket(
        "이마트 칠성점",
        "이마트",
        HYPERMARKET,
        "대구광역시 북구 침산로 93",
        "",
        35.8850,
        128.5898,
    ),
    DemoMarket(
        "이마트 만촌점",
        "이마트",
        HYPERMARKET,
        "대구광역시 수성구 동원로 136",
        "",
        35.8711,
        128.6369,
    ),
    DemoMarket(
        "이마트 성서점",
        "이마트",
        HYPERMARKET,
        "대구광역시 달서구 이곡동로 24",
        "",
        35.8535,
        128.5102,
    ),
    DemoMarket(
        "이마트 월배점",
        "이마트",
        HYPERMARKET,
        "대구광역시 달서구 진천로 92",
        "",
        35.8172,
        128.5236,
    ),
    # --- 대전광역시 ---------------------------------------------------------------------
    DemoMarket(
        "롯데백화점 대전점",
        "롯데백화점",
        DEPARTMENT_STORE,
        "대전광역시 서구 계룡로 598",
        "",
        36.3407,
        127.3896,
    ),
    DemoMarket(
        "갤러리아백화점 타임월드점",
        "갤러리아백화점",
        DEPARTMENT_STORE,
        "대전광역시 서구 대덕대로 211",
        "",
        36.3517,
        127.3783,
    ),
    DemoMarket(
        "대전신세계 Art & Science",
        "신세계백화점",
        DEPARTMENT_STORE,
        "대전광역시 유성구 엑스포로 1",
        "",
        36.3752,
        127.3819,
    ),
    DemoMarket(
        "코스트코 대전점",
        "코스트코",
        HYPERMARKET,
        "대전광역시 중구 오류로 41",
        "",
        36.3228,
        127.4079,
    ),
    DemoMarket(
        "이마트 대전터미널점",
        "이마트",
        HYPERMARKET,
        "대전광역시 동구 동서대로 1689",
        "",
        36.3500,
        127.4366,
    ),
    DemoMarket(
        "현대프리미엄아울렛 대전점",
        "현대프리미엄아울렛",
        SHOPPING_CENTER,
        "대전광역시 유성구 테크노중앙로 123",
        "",
        36.4240,
        127.3987,
    ),
    DemoMarket(
        "세이백화점",
        "세이백화점",
        DEPARTMENT_STORE,
        "대전광역시 중구 계백로 1700",
        "",
        36.3210,
        127.4090,
    ),
)


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
