"""Public-data item sources behind one small protocol: read a page of rows, turn a row into
a catalog entry.

- **mafra** — data.mafra.go.kr ``Grid_20151207000000000328_1`` (what the original used):
  ``STD_PRDLST_NM`` (standard item) becomes the category, ``STD_SPCIES_NM`` (variety) the item.
- **foodsafety** — foodsafetykorea ``I2570`` (distribution barcodes): three category levels
  ``HTRK_PRDLST_NM`` / ``HRNK_PRDLST_NM`` / ``PRDLST_NM``, product ``PRDT_NM``, company
  ``CMPNY_NM``, barcode ``BRCD_NO``.

Both page with 1-based inclusive ``{start}/{end}`` at the end of the path (at most 1000 rows
a call: mafra ``{base}/{key}/json/{service}/…``, foodsafety ``{base}/{key}/{service}/json/…``)
and wrap rows in an envelope with a result code. One ``requests.Session`` per
source, with timeouts and bounded retries with backoff on 5xx, throttling (429) and connection
errors; the APIs' own codes become typed errors that say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from catalog.models import ItemSource

MAX_ROWS_PER_CALL = 1000


class SourceError(Exception):
    """A source refused or failed; ``code`` is the API's (or ours), ``message`` what to do."""

    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class InvalidKeyError(SourceError):
    pass


class TooManyRowsError(SourceError):
    pass


class QuotaExceededError(SourceError):
    pass


class ServiceError(SourceError):
    retryable = True


class BadResponseError(SourceError):
    retryable = True


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    """One catalog item from a row: its category path (1–3 names), name and natural key."""

    category_path: tuple[str, ...]
    category_codes: tuple[str, ...]
    name: str
    source_key: str
    barcode: str = ""
    maker: str = ""


class Source(Protocol):
    @property
    def name(self) -> str: ...

    def fetch(self, start: int, end: int) -> Page: ...

    def parse(self, row: dict[str, Any]) -> Entry | None: ...


def _session(attempts: int) -> requests.Session:
    retry = Retry(
        total=attempts,
        connect=attempts,
        read=attempts,
        status=attempts,
        backoff_factor=0.3,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=32, pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _text(row: dict[str, Any], field: str) -> str:
    value = row.get(field)
    return " ".join(str(value).split()) if value is not None else ""


# Result codes shared by both APIs (data.go.kr family).
_KEY_CODES = {"INFO-100", "INFO-010", "INFO-020"}
_QUOTA_CODES = {"INFO-300"}
_SERVICE_CODES = {"ERROR-500", "ERROR-600", "ERROR-601"}


class _JsonSource:
    name: str
    service: str
    key_setting: str

    def __init__(self, *, base_url: str, key: str, timeout: float, attempts: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.session = _session(attempts)

    def _envelope(self, body: dict) -> tuple[int, list, str, str]:
        raise NotImplementedError

    def _path(self, start: int, end: int) -> str:
        raise NotImplementedError

    def fetch(self, start: int, end: int) -> Page:
        if end - start + 1 > MAX_ROWS_PER_CALL:
            raise TooManyRowsError("ERROR-336", "한 번에 1000건까지만 요청할 수 있어요.")
        url = f"{self.base_url}/{self._path(start, end)}"
        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as error:
            raise ServiceError(
                "unreachable", f"{self.name} API에 연결하지 못했어요 ({error.__class__.__name__})."
            ) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise ServiceError(
                f"http-{response.status_code}", f"{self.name} API가 계속 실패해요. 나중에 다시."
            )
        try:
            body = response.json()
        except ValueError:
            raise BadResponseError(
                "bad-json", f"{self.name} API가 JSON이 아닌 응답을 보냈어요."
            ) from None
        total, rows, code, message = self._envelope(body)
        if code == "INFO-200":  # no data
            return Page(total=0, rows=[])
        if code in _KEY_CODES:
            raise InvalidKeyError(
                code, f"인증키가 유효하지 않아요: {self.key_setting}를 확인하세요 ({message})."
            )
        if code == "ERROR-336":
            raise TooManyRowsError(code, f"한 번에 1000건까지만 요청할 수 있어요 ({message}).")
        if code in _QUOTA_CODES:
            raise QuotaExceededError(
                code, f"오늘 호출 한도를 넘었어요: 내일 다시 실행하세요 ({message})."
            )
        if code in _SERVICE_CODES:
            raise ServiceError(code, f"{self.name} API 서버 오류예요: 나중에 다시 ({message}).")
        if code != "INFO-000":
            raise SourceError(code, f"{self.name} API가 요청을 거절했어요: {message}")
        return Page(total=total, rows=rows)


class MafraSource(_JsonSource):
    name = ItemSource.MAFRA
    service = "Grid_20151207000000000328_1"
    key_setting = "MAFRA_API_KEY"

    def _path(self, start: int, end: int) -> str:
        return f"{self.key}/json/{self.service}/{start}/{end}"

    def _envelope(self, body: dict) -> tuple[int, list, str, str]:
        if "result" in body and self.service not in body:  # errors come bare
            return 0, [], body["result"].get("code", ""), body["result"].get("message", "")
        grid = body.get(self.service)
        if not isinstance(grid, dict):
            raise BadResponseError("bad-envelope", "mafra 응답에 데이터 묶음이 없어요.")
        result = grid.get("result") or {}
        try:
            total = int(grid.get("totalCnt") or 0)
        except (TypeError, ValueError):
            raise BadResponseError("bad-total", "mafra totalCnt가 숫자가 아니에요.") from None
        rows = grid.get("row") or []
        return (
            total,
            rows if isinstance(rows, list) else [],
            result.get("code", ""),
            str(result.get("message", "")),
        )

    def parse(self, row: dict[str, Any]) -> Entry | None:
        category, item = _text(row, "STD_PRDLST_NM"), _text(row, "STD_SPCIES_NM")
        if not category or not item:
            return None
        category_code, item_code = _text(row, "STD_PRDLST_CODE"), _text(row, "STD_SPCIES_CODE")
        key = f"{category_code or category}:{item_code or item}"
        return Entry((category,), (category_code,), item, key)


class FoodSafetySource(_JsonSource):
    name = ItemSource.FOODSAFETY
    service = "I2570"
    key_setting = "FOODSAFETY_API_KEY"

    def _path(self, start: int, end: int) -> str:
        return f"{self.key}/{self.service}/json/{start}/{end}"

    def _envelope(self, body: dict) -> tuple[int, list, str, str]:
        if "RESULT" in body and self.service not in body:
            return 0, [], body["RESULT"].get("CODE", ""), body["RESULT"].get("MSG", "")
        grid = body.get(self.service)
        if not isinstance(grid, dict):
            raise BadResponseError("bad-envelope", "foodsafety 응답에 데이터 묶음이 없어요.")
        result = grid.get("RESULT") or {}
        try:
            total = int(grid.get("total_count") or 0)
        except (TypeError, ValueError):
            raise BadResponseError(
                "bad-total", "foodsafety total_count가 숫자가 아니에요."
            ) from None
        rows = grid.get("row") or []
        return (
            total,
            rows if isinstance(rows, list) else [],
            result.get("CODE", ""),
            str(result.get("MSG", "")),
        )

    def parse(self, row: dict[str, Any]) -> Entry | None:
        levels = tuple(
            name
            for name in (
                _text(row, "HTRK_PRDLST_NM"),
                _text(row, "HRNK_PRDLST_NM"),
                _text(row, "PRDLST_NM"),
            )
            if name
        )
        name = _text(row, "PRDT_NM")
        if not name or not levels:
            return None
        barcode, maker = _text(row, "BRCD_NO")[:32], _text(row, "CMPNY_NM")[:100]
        key = barcode or f"{maker}|{name}"
        return Entry(levels, ("",) * len(levels), name[:200], key[:200], barcode, maker)


def get_source(name: str) -> Source:
    timeout = settings.CATALOG_IMPORT_TIMEOUT_SECONDS
    attempts = settings.CATALOG_IMPORT_RETRIES
    if name == ItemSource.MAFRA:
        return MafraSource(
            base_url=settings.MAFRA_API_URL, key=settings.MAFRA_API_KEY, timeout=timeout,
            attempts=attempts,
        )  # fmt: skip
    if name == ItemSource.FOODSAFETY:
        return FoodSafetySource(
            base_url=settings.FOODSAFETY_API_URL, key=settings.FOODSAFETY_API_KEY,
            timeout=timeout, attempts=attempts,
        )  # fmt: skip
    raise ValueError(f"unknown source {name!r}: mafra or foodsafety")
