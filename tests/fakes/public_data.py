"""A local fake of the two public-data item APIs, in their real envelopes.

- data.mafra.go.kr ``GET /{key}/json/Grid_20151207000000000328_1/{start}/{end}``::

    {"Grid_20151207000000000328_1": {"totalCnt": N, "startRow": s, "endRow": e,
        "result": {"code": "INFO-000", "message": "정상 처리되었습니다."}, "row": [...]}}

- foodsafetykorea ``GET /{key}/I2570/json/{start}/{end}``::

    {"I2570": {"total_count": "N", "row": [...],
               "RESULT": {"CODE": "INFO-000", "MSG": "정상처리되었습니다."}}}

Errors as the APIs send them, with HTTP 200: an unknown key → ``INFO-100`` (mafra answers a
bare ``{"result": ...}``, foodsafety a bare ``{"RESULT": ...}``), no rows → ``INFO-200``, more
than 1000 rows asked → ``ERROR-336``. A test can also ask for latency, HTTP 500s before
success, or a body that is not JSON. Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAFRA_SERVICE = "Grid_20151207000000000328_1"
FOODSAFETY_SERVICE = "I2570"
MAFRA_PATH = re.compile(rf"^/(?P<key>[^/]+)/json/{MAFRA_SERVICE}/(?P<start>-?\d+)/(?P<end>-?\d+)$")
FOODSAFETY_PATH = re.compile(
    rf"^/(?P<key>[^/]+)/{FOODSAFETY_SERVICE}/json/(?P<start>-?\d+)/(?P<end>-?\d+)$"
)


def mafra_rows(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """Rows like the real ones: 품목 (category) and 품종 (item) with their codes."""
    kinds = ["사과", "배", "감귤", "포도", "딸기", "쌀", "배추", "무", "고추", "양파"]
    rows = []
    for i in range(start, start + count):
        kind = kinds[i % len(kinds)]
        rows.append(
            {
                "ROW_NUM": i + 1,
                "STD_PRDLST_CODE": f"{1000 + i % len(kinds)}",
                "STD_PRDLST_NM": kind,
                "STD_SPCIES_CODE": f"{i:06d}",
                "STD_SPCIES_NM": f"{kind} 품종 {i}",
            }
        )
    return rows


def foodsafety_rows(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    tops = [("가공식품", "과자류"), ("가공식품", "음료류"), ("농산물", "과일류")]
    rows = []
    for i in range(start, start + count):
        top, middle = tops[i % len(tops)]
        rows.append(
            {
                "BRCD_NO": f"880{i:010d}",
                "PRDT_NM": f"{middle} 상품 {i}",
                "CMPNY_NM": f"공구식품 {i % 7}",
                "HTRK_PRDLST_NM": top,
                "HRNK_PRDLST_NM": middle,
                "PRDLST_NM": f"{middle} 소분류 {i % 5}",
                "LAST_UPDT_DTM": "20240101",
            }
        )
    return rows


@dataclass
class Recorded:
    api: str
    key: str
    start: int
    end: int
    at: float


@dataclass
class FakePublicData:
    """Serve ``mafra`` and ``foodsafety`` rows; tweak the attributes between requests."""

    api_key: str = "test-key"
    mafra: list[dict[str, Any]] = field(default_factory=list)
    foodsafety: list[dict[str, Any]] = field(default_factory=list)
    latency: float = 0.0  # seconds before each answer
    fail_next: int = 0  # answer this many requests with HTTP 500 first
    not_json_next: int = 0
    requests: list[Recorded] = field(default_factory=list)
    in_flight: int = 0  # requests being answered now
    max_in_flight: int = 0  # the most ever answered at once

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake._answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakePublicData:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _send(self, handler, status: int, body: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _answer(self, handler) -> None:
        path = handler.path.split("?", 1)[0]
        match, api = MAFRA_PATH.match(path), "mafra"
        if match is None:
            match, api = FOODSAFETY_PATH.match(path), "foodsafety"
        if match is None:
            self._send(handler, 404, b"not found", "text/plain")
            return
        key, start, end = match["key"], int(match["start"]), int(match["end"])
        with self._lock:
            self.requests.append(Recorded(api, key, start, end, time.monotonic()))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            fail = self.fail_next > 0
            self.fail_next -= 1 if fail else 0
            broken = not fail and self.not_json_next > 0
            self.not_json_next -= 1 if broken else 0
        try:
            self._respond(handler, api, key, start, end, fail=fail, broken=broken)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _respond(self, handler, api: str, key: str, start: int, end: int, *, fail, broken):
        if self.latency:
            time.sleep(self.latency)  # a slow server
        if fail:
            self._send(handler, 500, b"<html>500 Internal Server Error</html>", "text/html")
            return
        if broken:
            self._send(handler, 200, b"<html>maintenance</html>", "text/html")
            return
        body = self._mafra(key, start, end) if api == "mafra" else self._foodsafety(key, start, end)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(handler, 200, data, "application/json;charset=UTF-8")

    def _window(self, rows, key: str, start: int, end: int) -> tuple[str, str, list]:
        if key != self.api_key:
            return "INFO-100", "인증키가 유효하지 않습니다.", []
        if start < 1 or end < start:
            return "ERROR-334", "종료위치보다 시작위치가 더 큽니다.", []
        if end - start + 1 > 1000:
            return "ERROR-336", "데이터요청은 한번에 최대 1000건을 넘을 수 없습니다.", []
        window = rows[start - 1 : end]
        if not window:
            return "INFO-200", "해당하는 데이터가 없습니다.", []
        return "INFO-000", "정상 처리되었습니다.", window

    def _mafra(self, key: str, start: int, end: int) -> dict:
        code, message, window = self._window(self.mafra, key, start, end)
        result = {"code": code, "message": message}
        if code in ("INFO-100", "ERROR-336", "ERROR-334"):
            return {"result": result}
        return {
            MAFRA_SERVICE: {
                "totalCnt": len(self.mafra),
                "startRow": start,
                "endRow": end,
                "result": result,
                "row": window,
            }
        }

    def _foodsafety(self, key: str, start: int, end: int) -> dict:
        code, message, window = self._window(self.foodsafety, key, start, end)
        result = {"CODE": code, "MSG": message}
        if code in ("INFO-100", "ERROR-336", "ERROR-334"):
            return {"RESULT": result}
        return {
            FOODSAFETY_SERVICE: {
                "total_count": str(len(self.foodsafety)),
                "row": window,
                "RESULT": result,
            }
        }
