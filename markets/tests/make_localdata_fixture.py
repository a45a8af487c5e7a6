"""Regenerate ``fixtures/localdata_sample.csv``: a small LOCALDATA 대규모점포 file in the real
format (29-column header, every field quoted, CRLF, CP949 bytes).

    .venv/bin/python markets/tests/make_localdata_fixture.py

Coordinates are EPSG:5174, computed from each store's WGS84 position with pyproj's inverse
transform. The positions of 이마트 연수점 and 이마트 부천점 are the ones Kakao Local publishes
for those places (place ids 8041320 and 8046326); the others are read off a map (±20 m).
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pyproj import Transformer

FIXTURE = Path(__file__).with_name("fixtures") / "localdata_sample.csv"

HEADER = (
    "번호",
    "개방서비스명",
    "개방서비스아이디",
    "개방자치단체코드",
    "관리번호",
    "인허가일자",
    "인허가취소일자",
    "영업상태구분코드",
    "영업상태명",
    "상세영업상태코드",
    "상세영업상태명",
    "폐업일자",
    "휴업시작일자",
    "휴업종료일자",
    "재개업일자",
    "소재지전화",
    "소재지면적",
    "소재지우편번호",
    "소재지전체주소",
    "도로명전체주소",
    "도로명우편번호",
    "사업장명",
    "최종수정시점",
    "데이터갱신구분",
    "데이터갱신일자",
    "업태구분명",
    "좌표정보(X)",
    "좌표정보(Y)",
    "점포구분명",
)


@dataclass(frozen=True)
class Store:
    source_id: str
    name: str
    kind: str
    road_address: str
    lot_address: str
    lat: float | None  # WGS84; None = no coordinates in the file
    lng: float | None
    closed_on: str = ""  # YYYYMMDD: the store is 폐업
    x: str | None = None  # raw EPSG:5174 values, to write broken ones
    y: str | None = None


# Line 2 onwards, in file order (the header is line 1).
# fmt: off
STORES = (
    Store(
        "3530000-114-2002-00003", "이마트 연수점", "대형마트",
        "인천광역시 연수구 경원대로 184 (동춘동)", "인천광역시 연수구 동춘동 926-9",
        37.4039703012009, 126.680727117911,
    ),
    Store(
        "3860000-114-1997-00001", "이마트 부천점", "대형마트",
        "경기도 부천시 소사구 부천로 1 (심곡본동)", "경기도 부천시 소사구 심곡본동 316-2",
        37.4839092139729, 126.782873933987,
    ),
    Store(
        "3130000-114-2012-00002", "홈플러스 합정점", "대형마트",
        "서울특별시 마포구 양화로 45, 메세나폴리스 지하2층 (서교동)",
        "서울특별시 마포구 서교동 490 메세나폴리스",
        37.54965, 126.91335,
    ),
    Store(
        "3010000-114-2004-00001", "롯데마트 서울역점", "대형마트",
        "서울특별시 중구 청파로 426 (봉래동2가)", "서울특별시 중구 봉래동2가 122-11",
        37.55705, 126.96895,
    ),
    Store(
        "3160000-114-2000-00004", "롯데마트 구로점", "대형마트",
        "서울특별시 구로구 구로중앙로 152 (구로동)", "서울특별시 구로구 구로동 3-25",
        None, None, closed_on="20201031",
    ),
    Store(
        "3210000-114-1998-00002", "코스트코 양재점", "대형마트",
        "서울특별시 서초구 양재대로 159 (양재동)", "서울특별시 서초구 양재동 295-2",
        37.46340, 127.03700,
    ),
    Store(
        "", "이마트 의정부점", "대형마트",
        "경기도 의정부시 평화로 285 (의정부동)", "경기도 의정부시 의정부동 168",
        37.74355, 127.04630,
    ),
    Store(
        "4000000-114-2016-00001", "이마트 트레이더스 하남점", "대형마트",
        "경기도 하남시 미사대로 750, 스타필드 하남 (신장동)", "경기도 하남시 신장동 1-1",
        37.54520, 127.22360,
    ),
    Store(
        "4150000-114-2010-00003", "홈플러스 영통점", "대형마트",
        "경기도 수원시 영통구 봉영로 1576 (영통동)", "경기도 수원시 영통구 영통동 960-2",
        None, None, x="20x561.481225", y="417512.907713",
    ),
    Store(
        "3330000-114-2009-00001", "신세계백화점 센텀시티점", "백화점",
        "부산광역시 해운대구 센텀남대로 35 (우동)", "부산광역시 해운대구 우동 1495",
        35.16864, 129.12907,
    ),
    Store(
        "4160000-114-2014-00002", "롯데마트 광교점", "대형마트",
        "경기도 수원시 영통구 도청로 10 (이의동)", "경기도 수원시 영통구 이의동 1351",
        None, None,
    ),
    Store(
        "3230000-114-1999-00001", "홈플러스 대구점", "대형마트",
        "대구광역시 북구 칠성로 41 (칠성동2가)", "대구광역시 북구 칠성동2가 302-155",
        35.88170, 128.60250, closed_on="20210531",
    ),
    Store(
        "6500000-114-2001-00001", "이마트 제주점", "대형마트",
        "", "제주특별자치도 제주시 삼도일동 1190-1",
        33.51798, 126.52118,
    ),
    Store(
        # Web Mercator metres pasted into the EPSG:5174 columns: far outside Korea.
        "3940000-114-2006-00001", "코스트코 일산점", "대형마트",
        "경기도 고양시 일산서구 킨텍스로 171 (대화동)", "경기도 고양시 일산서구 대화동 2600-1",
        None, None, x="14112046.21", y="4533175.64",
    ),
    Store(
        "3000000-114-2013-00004", "광장시장", "시장",
        "서울특별시 종로구 창경궁로 88 (예지동)", "서울특별시 종로구 예지동 6-1",
        37.57004, 126.99960,
    ),
    Store(  # truncated record: written with too few fields below
        "3050000-114-2003-00002", "홈플러스 동대문점", "대형마트",
        "서울특별시 동대문구 천호대로 133 (용두동)", "서울특별시 동대문구 용두동 33-1",
        37.57380, 127.03310,
    ),
    Store(
        "3140000-114-2008-00001", "", "쇼핑센터",
        "서울특별시 양천구 목동동로 257 (목동)", "서울특별시 양천구 목동 916",
        37.52660, 126.87540,
    ),
    Store(  # the same 관리번호 as 이마트 연수점, listed again
        "3530000-114-2002-00003", "이마트 연수점(중복)", "대형마트",
        "인천광역시 연수구 경원대로 184 (동춘동)", "인천광역시 연수구 동춘동 926-9",
        37.4039703012009, 126.680727117911,
    ),
)
# fmt: on
TRUNCATED_SOURCE_ID = "3050000-114-2003-00002"
TRUNCATE_AFTER = HEADER.index("사업장명") + 1


def _to_5174() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:5174", always_xy=True)


def record(number: int, store: Store, transformer: Transformer) -> list[str]:
    if store.x is not None:
        x, y = store.x, store.y or ""
    elif store.lat is None or store.lng is None:
        x = y = ""
    else:
        easting, northing = transformer.transform(store.lng, store.lat)
        x, y = f"{easting:.6f}", f"{northing:.6f}"
    closed = bool(store.closed_on)
    authority = store.source_id.split("-")[0] if store.source_id else "3530000"
    values = {
        "번호": str(number),
        "개방서비스명": "대규모점포",
        "개방서비스아이디": "08_25_01_P",
        "개방자치단체코드": authority,
        "관리번호": store.source_id,
        "인허가일자": f"{store.source_id[12:16] or '2005'}0315",
        "인허가취소일자": "",
        "영업상태구분코드": "03" if closed else "01",
        "영업상태명": "폐업" if closed else "영업/정상",
        "상세영업상태코드": "03" if closed else "01",
        "상세영업상태명": "폐업" if closed else "영업중",
        "폐업일자": store.closed_on,
        "휴업시작일자": "",
        "휴업종료일자": "",
        "재개업일자": "",
        "소재지전화": "",
        "소재지면적": "12345.67",
        "소재지우편번호": "",
        "소재지전체주소": store.lot_address,
        "도로명전체주소": store.road_address,
        "도로명우편번호": "",
        "사업장명": store.name,
        "최종수정시점": "20230412093015",
        "데이터갱신구분": "U",
        "데이터갱신일자": "2023-04-14 02:40:00.0",
        "업태구분명": store.kind,
        "좌표정보(X)": x,
        "좌표정보(Y)": y,
        "점포구분명": "대규모점포",
    }
    fields = [values[column] for column in HEADER]
    if store.source_id == TRUNCATED_SOURCE_ID:
        fields = fields[:TRUNCATE_AFTER]
    return fields


def build_text() -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    transformer = _to_5174()
    for number, store in enumerate(STORES, start=1):
        writer.writerow(record(number, store, transformer))
    return buffer.getvalue()


def main() -> None:
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_bytes(build_text().encode("cp949"))
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes, CP949)")


if __name__ == "__main__":
    main()
