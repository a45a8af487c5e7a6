"""Address -> coordinates and region, for users' homes and for markets.

``get_geocoder()`` gives the Kakao Local geocoder when ``KAKAO_REST_API_KEY`` is set (with the
offline one as its fallback when Kakao is down, slow, over quota or refuses the key), otherwise
an offline one that knows the markets in the database and the 시군구 centroids in
``markets.districts``. A result says when it is only a district's centre (``approximate``).
All raise ``GeocodingError`` (a ``DomainError``) for every failure, so callers map it like any
other refusal.
"""

import dataclasses
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import SIDO_NAMES, in_korea, split_region
from markets import districts
from markets.models import Market

logger = logging.getLogger(__name__)

# Same bound as the address columns (User.address, Market.road_address): anything longer is
# not an address, and we would not be able to store it anyway.
MAX_QUERY_LENGTH = 200

# Kakao returns the best matches first; a few let us skip one that is outside Korea.
KAKAO_PAGE_SIZE = 5

# Spoken "서울시"-style forms people type, on top of common.geo.SIDO_NAMES. "광주시" is left
# out on purpose: it is also a city in Gyeonggi.
_EXTRA_SIDO_ALIASES = {
    "서울시": "서울특별시",
    "부산시": "부산광역시",
    "대구시": "대구광역시",
    "인천시": "인천광역시",
    "대전시": "대전광역시",
    "울산시": "울산광역시",
    "세종시": "세종특별자치시",
}
_PARENTHESES_RE = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class GeocodeResult:
    road_address: str  # road-name address when known, with the 시도 spelled in full
    lat: float
    lng: float
    sido: str  # full name ("서울특별시"), "" when unknown
    sigungu: str  # "용산구", "수원시 팔달구"; "" when unknown or none (Sejong)
    # True when the point is only the district's centre (the offline 시군구 table), not the
    # address itself: every address of 강남구 lands on one point, so screens must say so.
    approximate: bool = False
    # Who answered: "kakao" or "offline".
    source: str = "offline"
    # True when Kakao failed and the offline geocoder answered instead.
    fallback: bool = False


class GeocodingError(DomainError):
    """An address could not be turned into a location; ``code`` says whose fault it was."""

    @classmethod
    def not_found(cls, query: str, message: str | None = None) -> "GeocodingError":
        return cls(
            "address_not_found",
            message or _("주소를 찾을 수 없어요. 도로명 주소를 다시 확인해 주세요."),
            status=400,
            details={"address": query[:MAX_QUERY_LENGTH]},
        )

    @classmethod
    def unauthorized(cls) -> "GeocodingError":
        return cls(
            "geocoder_unauthorized",
            _(
                "주소 검색 서비스 인증에 실패했어요. 운영자는 KAKAO_REST_API_KEY 설정"
                "(카카오 REST API 키와 카카오맵 사용 설정)을 확인해 주세요."
            ),
            status=503,
        )

    @classmethod
    def rate_limited(cls) -> "GeocodingError":
        return cls(
            "geocoder_rate_limited",
            _("주소 검색 요청이 많아 잠시 처리할 수 없어요. 잠시 후 다시 시도해 주세요."),
            status=503,
        )

    @classmethod
    def unavailable(cls) -> "GeocodingError":
        return cls(
            "geocoder_unavailable",
            _("주소 검색 서비스에 연결할 수 없어요. 잠시 후 다시 시도해 주세요."),
            status=503,
        )


class Geocoder(Protocol):
    def geocode(self, query: str) -> GeocodeResult: ...


def normalize_address(text: str) -> str:
    """Collapse whitespace and spell a leading 시도 in full ("서울 중구" -> "서울특별시 중구")."""
    parts = text.split()
    if parts:
        first = parts[0]
        parts[0] = SIDO_NAMES.get(first) or _EXTRA_SIDO_ALIASES.get(first) or first
    return " ".join(parts)


def address_key(text: str) -> str:
    """The part of an address that names the place, for comparing two spellings of it.

    Drops the detail after a comma (", 2층", ", 아이파크몰") and reference notes in
    parentheses ("(한강로3가)"), which the same place is written with and without.
    """
    return normalize_address(_PARENTHESES_RE.sub(" ", text.split(",", 1)[0]))


def _clean_query(query: str) -> str:
    """The query with its whitespace collapsed; refuses an empty or oversized one."""
    text = " ".join((query or "").split())
    if not text:
        raise GeocodingError.not_found("", _("주소를 입력해 주세요."))
    if len(text) > MAX_QUERY_LENGTH:
        raise GeocodingError.not_found(
            text,
            _("주소가 너무 길어요. %(max)d자 이내로 입력해 주세요.") % {"max": MAX_QUERY_LENGTH},
        )
    return text


# --- Kakao Local --------------------------------------------------------------------------


class KakaoGeocoder:
    """Kakao Local "주소로 좌표 변환" (``/v2/local/search/address.json``).

    One ``requests.Session`` per instance keeps the TLS connection to dapi.kakao.com alive
    between calls; ``get_geocoder`` keeps one instance per thread since a Session is not
    documented as thread-safe.
    """

    path = "/v2/local/search/address.json"

    def __init__(
        self,
        api_key: str,
        base_url: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def geocode(self, query: str) -> GeocodeResult:
        text = _clean_query(query)
        payload = self._search(text)
        documents = payload.get("documents") if isinstance(payload, dict) else None
        if not isinstance(documents, list):
            logger.warning("Kakao Local answered 200 without a documents list")
            raise GeocodingError.unavailable()
        results = [self._parse_document(document) for document in documents]
        if documents and all(result is None for result in results):
            # Hits without coordinates: the format changed under us, not the user's fault.
            logger.warning("Kakao Local answered documents without usable x/y")
            raise GeocodingError.unavailable()
        for result in results:
            # Kakao can match a foreign-looking query to odd places; only Korea is served.
            if result is not None and in_korea(result.lat, result.lng):
                return result
        raise GeocodingError.not_found(text)

    def _search(self, text: str) -> Any:
        params: dict[str, str | int] = {
            "query": text,
            "analyze_type": "similar",
            "size": KAKAO_PAGE_SIZE,
        }
        try:
            response = self.session.get(
                self.base_url + self.path,
                params=params,
                headers={"Authorization": f"KakaoAK {self.api_key}"},
                # (connect, read): each bounded by the configured timeout.
                timeout=(self.timeout, self.timeout),
            )
        except requests.Timeout:
            logger.warning("Kakao Local timed out after %.1fs", self.timeout)
            raise GeocodingError.unavailable() from None
        except requests.RequestException as exc:
            logger.warning("Kakao Local unreachable: %s", exc.__class__.__name__)
            raise GeocodingError.unavailable() from None

        status = response.status_code
        if status in (401, 403):
            # The body says which: bad key, IP not allowed, Kakao Map not enabled for the app.
            logger.error(
                "Kakao Local refused the API key (%s): %s", status, _error_summary(response)
            )
            raise GeocodingError.unauthorized()
        if status == 429:
            logger.warning("Kakao Local quota exceeded: %s", _error_summary(response))
            raise GeocodingError.rate_limited()
        if status == 400:
            # Kakao rejects a query it cannot parse; for the user that is an unknown address.
            logger.info("Kakao Local rejected the query: %s", _error_summary(response))
            raise GeocodingError.not_found(text)
        if status != 200:
            logger.warning("Kakao Local answered %s: %s", status, _error_summary(response))
            raise GeocodingError.unavailable()
        try:
            return response.json()
        except ValueError:
            logger.warning("Kakao Local answered 200 with a body that is not JSON")
            raise GeocodingError.unavailable() from None

    @staticmethod
    def _parse_document(document: Any) -> GeocodeResult | None:
        """One ``documents[]`` entry; None when it carries no usable coordinates."""
        if not isinstance(document, dict):
            return None
        road = (
            document.get("road_address") if isinstance(document.get("road_address"), dict) else None
        )
        lot = document.get("address") if isinstance(document.get("address"), dict) else None
        try:
            # x is the longitude, y the latitude, both as strings.
            lng = float(document["x"])
            lat = float(document["y"])
        except (KeyError, TypeError, ValueError):
            return None
        name = (
            (road or {}).get("address_name")
            or (lot or {}).get("address_name")
            or document.get("address_name")
            or ""
        )
        road_address = normalize_address(str(name))
        sido, sigungu = "", ""
        for part in (road, lot):
            if part and part.get("region_1depth_name"):
                region_1 = str(part["region_1depth_name"]).strip()
                sido = SIDO_NAMES.get(region_1) or _EXTRA_SIDO_ALIASES.get(region_1) or ""
                sigungu = " ".join(str(part.get("region_2depth_name") or "").split())
                break
        if not sido:
            sido, sigungu = split_region(road_address)
        # A query naming only a 시군구 ("서울 강남구") is a REGION hit without a 동: Kakao
        # answers with the district's centre, which is as rough as the offline table's.
        district_only = document.get("address_type") == "REGION" and not (lot or {}).get(
            "region_3depth_name"
        )
        return GeocodeResult(
            road_address=road_address,
            lat=lat,
            lng=lng,
            sido=sido,
            sigungu=sigungu,
            approximate=district_only,
            source="kakao",
        )


def _error_summary(response: requests.Response) -> str:
    """Kakao's ``{"errorType", "message"}`` for the log (never the request, which has the key)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return (
            f"{body.get('errorType') or body.get('code')}: {body.get('message') or body.get('msg')}"
        )
    return str(body)[:200]


# --- Offline ------------------------------------------------------------------------------


class OfflineGeocoder:
    """No network: a known market's address, else the 시군구 the address names.

    Used when no Kakao key is configured (development, demos, tests). A district match is
    only as precise as the district office, which is enough for "parties near me".
    """

    def geocode(self, query: str) -> GeocodeResult:
        text = normalize_address(_clean_query(query))
        key = address_key(text)
        result = self._from_market(key) or self._from_district(text, key)
        if result is None:
            raise GeocodingError.not_found(text)
        return result

    def _from_market(self, key: str) -> GeocodeResult | None:
        tokens = key.split()
        has_sido = bool(tokens) and tokens[0] in SIDO_NAMES.values()
        place_tokens = tokens[1:] if has_sido else tokens
        # A road name and a number at least: "용산구" alone must not pick some market in it.
        if len(place_tokens) < 2:
            return None
        # Narrow in SQL by the most distinctive word (usually the road name), compare in Python.
        probe = max(place_tokens, key=len)
        candidates = Market.objects.filter(
            Q(road_address__contains=probe) | Q(lot_address__contains=probe)
        ).order_by("id")[:500]
        for market in candidates:
            for address in (market.road_address, market.lot_address):
                if not address:
                    continue
                market_key = address_key(address)
                # Without a 시도 the user's text may still name the rest exactly.
                if market_key == key or (not has_sido and market_key.endswith(" " + key)):
                    road_address = address_key(market.road_address or market.lot_address)
                    sido, sigungu = market.sido, market.sigungu
                    if not sido:
                        sido, sigungu = split_region(road_address)
                    return GeocodeResult(
                        road_address=road_address,
                        lat=market.lat,
                        lng=market.lng,
                        sido=sido,
                        sigungu=sigungu,
                    )
        return None

    def _from_district(self, text: str, key: str) -> GeocodeResult | None:
        sido, sigungu = split_region(key)
        if sido:
            district = districts.lookup(sido, sigungu)
            road_address = text
        else:
            # "해운대구 센텀중앙로 79": a 시군구 name that only one 시도 has is enough.
            tokens = key.split()
            district = None
            if len(tokens) >= 2:
                district = districts.find_by_name(" ".join(tokens[:2]))
            district = district or (districts.find_by_name(tokens[0]) if tokens else None)
            road_address = f"{district.sido} {text}" if district else text
        if district is None or not in_korea(district.lat, district.lng):
            return None
        return GeocodeResult(
            road_address=road_address,
            lat=district.lat,
            lng=district.lng,
            sido=district.sido,
            sigungu=district.sigungu,
            approximate=True,
        )


# --- Fallback -----------------------------------------------------------------------------

# Kakao's own trouble (down, slow, over quota, key refused): the resident's address may be
# fine, so the offline geocoder answers instead. "Not found" is not among them: Kakao knows
# more addresses than the offline table, so its "no such address" stands.
_KAKAO_OUTAGE_CODES = frozenset(
    {"geocoder_unavailable", "geocoder_rate_limited", "geocoder_unauthorized"}
)


class FallbackGeocoder:
    """Kakao first; on a Kakao outage the offline geocoder, its answer marked ``fallback``.

    When the offline geocoder does not know the address either, the outage is what the user
    hears (503), with the map pin offered as the way forward.
    """

    def __init__(self, primary: KakaoGeocoder, offline: "OfflineGeocoder") -> None:
        self.primary = primary
        self.offline = offline

    def geocode(self, query: str) -> GeocodeResult:
        try:
            return self.primary.geocode(query)
        except GeocodingError as outage:
            if outage.code not in _KAKAO_OUTAGE_CODES:
                raise
            try:
                result = self.offline.geocode(query)
            except GeocodingError:
                raise GeocodingError(
                    outage.code,
                    _(
                        "주소 검색 서비스에 연결할 수 없어 이 주소를 찾지 못했어요. "
                        "지도에서 위치를 고르거나 잠시 후 다시 시도해 주세요."
                    ),
                    status=outage.status,
                ) from None
            logger.info("Kakao Local failed (%s); answered by the offline geocoder", outage.code)
            return dataclasses.replace(result, fallback=True)


# --- Choice -------------------------------------------------------------------------------

_local = threading.local()


def get_geocoder() -> Geocoder:
    """Kakao (falling back to offline on an outage) when a key is configured, else offline.
    Settings are read on every call."""
    api_key = settings.KAKAO_REST_API_KEY
    if not api_key:
        return OfflineGeocoder()
    return FallbackGeocoder(_kakao_geocoder(api_key), OfflineGeocoder())


def _kakao_geocoder(api_key: str) -> KakaoGeocoder:
    config = (api_key, settings.KAKAO_LOCAL_URL, float(settings.GEOCODER_TIMEOUT_SECONDS))
    # Reuse this thread's geocoder (and its open connection) while the settings are unchanged.
    cached: tuple[tuple[str, str, float], KakaoGeocoder] | None = getattr(_local, "kakao", None)
    if cached is None or cached[0] != config:
        if cached is not None:
            cached[1].session.close()
        cached = (config, KakaoGeocoder(*config))
        _local.kakao = cached
    return cached[1]
