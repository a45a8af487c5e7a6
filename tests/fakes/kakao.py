"""A local fake of Kakao Local's "주소로 좌표 변환" API (``GET /v2/local/search/address.json``).

It answers in the real format::

    {"meta": {"total_count", "pageable_count", "is_end"},
     "documents": [{"address_name", "address_type", "x", "y",
                    "address": {...지번...} | null, "road_address": {...도로명...} | null}]}

with ``x`` the longitude and ``y`` the latitude as strings, and ``region_1depth_name`` in the
short form Kakao uses ("서울", "경기"). Errors carry Kakao's ``{"errorType", "message"}`` body:
401 ``AccessDeniedError`` for a missing or wrong ``Authorization: KakaoAK <key>`` header, 400
``MissingParameter`` without a query, and whatever a test asks for (429, 500, a slow answer,
a body that is not JSON).

Usage::

    with FakeKakaoLocal(api_key="k") as kakao:       # or the ``fake_kakao`` pytest fixture
        kakao.add_address(road_address="서울 용산구 한강대로23길 55", lat=37.5, lng=126.9)
        KakaoGeocoder("k", kakao.url, 3.0).geocode("서울 용산구 한강대로23길 55")
        kakao.requests[-1].params["query"]
"""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from common.geo import SIDO_NAMES

ADDRESS_PATH = "/v2/local/search/address.json"

# Kakao writes the 시도 short in address_name and region_1depth_name.
_SHORT_SIDO = {
    "서울특별시": "서울",
    "부산광역시": "부산",
    "대구광역시": "대구",
    "인천광역시": "인천",
    "광주광역시": "광주",
    "대전광역시": "대전",
    "울산광역시": "울산",
    "세종특별자치시": "세종특별자치시",
    "경기도": "경기",
    "강원특별자치도": "강원특별자치도",
    "충청북도": "충북",
    "충청남도": "충남",
    "전북특별자치도": "전북특별자치도",
    "전라남도": "전남",
    "경상북도": "경북",
    "경상남도": "경남",
    "제주특별자치도": "제주특별자치도",
}

# Error bodies as Kakao sends them (errorType + message).
NO_HEADER_ERROR = {
    "errorType": "AccessDeniedError",
    "message": "cannot find Authorization : KakaoAK header",
}
MISSING_QUERY_ERROR = {"errorType": "MissingParameter", "message": "query parameter required"}
RATE_LIMIT_ERROR = {"errorType": "RequestThrottled", "message": "API limit has been exceeded."}
SERVER_ERROR = {"errorType": "InternalServerError", "message": "Internal server error"}
# 403: the key is valid but the app has not enabled Kakao Map / Local.
SERVICE_DISABLED_ERROR = {
    "errorType": "NotAuthorizedError",
    "message": "App(test) disabled OPEN_MAP_AND_LOCAL service.",
}


def _wrong_key_error(key: str) -> dict[str, str]:
    return {"errorType": "AccessDeniedError", "message": f"wrong appKey({key}) format"}


def _key(text: str) -> str:
    """Comparison form of an address: single spaces, 시도 in full (Kakao accepts both)."""
    parts = text.split()
    if parts and parts[0] in SIDO_NAMES:
        parts[0] = SIDO_NAMES[parts[0]]
    return " ".join(parts)


def _short(address: str) -> str:
    parts = address.split()
    if parts and parts[0] in SIDO_NAMES:
        parts[0] = _SHORT_SIDO[SIDO_NAMES[parts[0]]]
    return " ".join(parts)


def make_document(
    *,
    road_address: str | None,
    lot_address: str | None = None,
    lat: float,
    lng: float,
    building_name: str = "",
    zone_no: str = "",
    region_3depth_name: str = "",
) -> dict[str, Any]:
    """One ``documents[]`` entry in Kakao's shape. ``road_address=None`` gives a 지번-only hit.

    Addresses may be given with the full or short 시도; Kakao's short form is what comes out.
    """
    x, y = f"{lng:.13f}", f"{lat:.13f}"
    main_name = _short(road_address or lot_address or "")
    parts = main_name.split()
    region_1 = parts[0] if parts else ""
    # 시 + 구 ("성남시 분당구") is Kakao's region_2depth_name for a 구 of a city.
    region_2_parts = []
    for part in parts[1:3]:
        if part.endswith(("시", "군", "구")):
            region_2_parts.append(part)
            if not part.endswith("시"):
                break
        else:
            break
    region_2 = " ".join(region_2_parts)
    road = None
    if road_address:
        road_parts = _short(road_address).split()
        number = road_parts[-1] if road_parts else ""
        main_no, _, sub_no = number.partition("-")
        road = {
            "address_name": _short(road_address),
            "region_1depth_name": region_1,
            "region_2depth_name": region_2,
            "region_3depth_name": region_3depth_name,
            "road_name": road_parts[-2] if len(road_parts) >= 2 else "",
            "underground_yn": "N",
            "main_building_no": main_no,
            "sub_building_no": sub_no,
            "building_name": building_name,
            "zone_no": zone_no,
            "x": x,
            "y": y,
        }
    lot = None
    if lot_address:
        lot_parts = _short(lot_address).split()
        number = lot_parts[-1] if lot_parts else ""
        main_no, _, sub_no = number.partition("-")
        lot = {
            "address_name": _short(lot_address),
            "region_1depth_name": region_1,
            "region_2depth_name": region_2,
            "region_3depth_name": lot_parts[-2] if len(lot_parts) >= 2 else "",
            "region_3depth_h_name": "",
            "h_code": "",
            "b_code": "",
            "mountain_yn": "N",
            "main_address_no": main_no,
            "sub_address_no": sub_no,
            "x": x,
            "y": y,
        }
    return {
        "address_name": main_name,
        "address_type": "ROAD_ADDR" if road else "REGION_ADDR",
        "x": x,
        "y": y,
        "address": lot,
        "road_address": road,
    }


# A few real places, so a test can geocode without setting anything up.
DEFAULT_DOCUMENTS = [
    make_document(
        road_address="서울 용산구 한강대로23길 55",
        lot_address="서울 용산구 한강로3가 40-999",
        lat=37.5291,
        lng=126.9649,
        building_name="아이파크몰",
        zone_no="04377",
        region_3depth_name="한강로3가",
    ),
    make_document(
        road_address="부산 해운대구 센텀남대로 35",
        lot_address="부산 해운대구 우동 1495",
        lat=35.1690,
        lng=129.1296,
        building_name="신세계센텀시티",
        zone_no="48058",
        region_3depth_name="우동",
    ),
    make_document(
        road_address="경기 성남시 분당구 판교역로146번길 20",
        lot_address="경기 성남시 분당구 백현동 541",
        lat=37.3925,
        lng=127.1120,
        building_name="현대백화점판교점",
        zone_no="13529",
        region_3depth_name="백현동",
    ),
]


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]  # first value of each query parameter
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class FakeKakaoLocal:
    """The fake server. Start it with ``start()`` or ``with``; ``url`` is its base URL."""

    def __init__(self, api_key: str = "test-kakao-key") -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._documents: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._released = threading.Event()  # set on stop: frees handlers that are sleeping
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.status: int | None = None  # answer every request with this status
        self.raw_body: bytes | None = None  # answer 200 with this body instead
        self.delay = 0.0  # seconds to wait before answering
        self.empty = False  # answer 200 with no documents
        self.reset()

    # -- behaviour knobs ---------------------------------------------------------------------

    def reset(self) -> None:
        """Back to answering normally with the default documents; forget recorded requests."""
        with self._lock:
            self.requests.clear()
            self._documents.clear()
            self.status = None
            self.raw_body = None
            self.delay = 0.0
            self.empty = False
        for document in DEFAULT_DOCUMENTS:
            self.add_document(document)

    def add_document(self, document: dict[str, Any], *queries: str) -> dict[str, Any]:
        """Serve ``document`` for its own road and lot addresses and any extra ``queries``."""
        names = [document.get("address_name") or "", *queries]
        for part in ("road_address", "address"):
            if document.get(part):
                names.append(document[part]["address_name"])
        with self._lock:
            for name in names:
                if name:
                    bucket = self._documents.setdefault(_key(name), [])
                    if document not in bucket:
                        bucket.append(document)
        return document

    def add_address(self, *queries: str, **document: Any) -> dict[str, Any]:
        """``make_document(**document)`` served for its addresses and ``queries``."""
        return self.add_document(make_document(**document), *queries)

    def respond_with_status(self, status: int) -> None:
        self.status = status

    def respond_empty(self) -> None:
        self.empty = True

    def respond_slowly(self, seconds: float) -> None:
        self.delay = seconds

    def respond_with_raw(self, body: bytes) -> None:
        self.raw_body = body

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Kakao server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeKakaoLocal":
        fake = self

        class Handler(_Handler):
            owner = fake

        self._released.clear()
        # Port 0: the OS picks a free port, so parallel test workers never collide.
        self._server = _Server(("127.0.0.1", 0), Handler)
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-kakao-local",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "FakeKakaoLocal":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- used by the handler -----------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _documents_for(self, query: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._documents.get(_key(query), []))


@pytest.fixture
def fake_kakao() -> Iterator[FakeKakaoLocal]:
    """A running fake Kakao Local server (key ``test-kakao-key``), stopped after the test."""
    with FakeKakaoLocal() as fake:
        yield fake


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout test) closes the socket under us: not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    owner: FakeKakaoLocal
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        fake = self.owner
        parts = urlsplit(self.path)
        params = {name: values[0] for name, values in parse_qs(parts.query).items()}
        fake._record(
            RecordedRequest(
                method="GET", path=parts.path, params=params, headers=dict(self.headers.items())
            )
        )
        if fake.delay:
            fake._released.wait(fake.delay)

        if parts.path != ADDRESS_PATH:
            self._send_json(404, {"errorType": "NotFound", "message": "not found"})
            return
        authorization = self.headers.get("Authorization", "")
        scheme, _, key = authorization.partition(" ")
        if scheme != "KakaoAK" or not key.strip():
            self._send_json(401, NO_HEADER_ERROR)
            return
        if key.strip() != fake.api_key:
            self._send_json(401, _wrong_key_error(key.strip()))
            return
        if fake.status == 401:
            self._send_json(401, _wrong_key_error(key.strip()))
            return
        if fake.status == 403:
            self._send_json(403, SERVICE_DISABLED_ERROR)
            return
        if fake.status == 429:
            self._send_json(429, RATE_LIMIT_ERROR)
            return
        if fake.status is not None and fake.status >= 500:
            self._send_json(fake.status, SERVER_ERROR)
            return
        if fake.status is not None:
            self._send_json(fake.status, {"errorType": "Error", "message": "forced by test"})
            return
        if fake.raw_body is not None:
            self._send(200, fake.raw_body, "text/html;charset=UTF-8")
            return
        query = params.get("query", "").strip()
        if not query:
            self._send_json(400, MISSING_QUERY_ERROR)
            return

        documents = [] if fake.empty else fake._documents_for(query)
        size = int(params.get("size", "10") or 10)
        page = documents[:size]
        self._send_json(
            200,
            {
                "meta": {
                    "total_count": len(documents),
                    "pageable_count": len(documents),
                    "is_end": len(page) == len(documents),
                },
                "documents": page,
            },
        )

    def _send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, data, "application/json;charset=UTF-8")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
