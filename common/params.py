"""The one place query parameters (and path ids) are parsed, for API views and pages alike.

Every refusal is a ``DomainError`` with a code and a Korean message (400), never an exception
from ``int()`` or the database: integers are ASCII digits only (``str.isdigit`` also accepts
"²" and "٣", which ``int()`` refuses), bounded so that no value overflows a PostgreSQL bigint,
and text may hold neither NUL (PostgreSQL refuses it) nor lone surrogates (not encodable).
"""

import math
import re
from dataclasses import dataclass
from typing import Literal, overload

from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, in_korea


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float
    radius_km: float


_ASCII_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")


def _float(raw: str, code: str, message: str) -> float:
    if len(raw) > 40 or not _ASCII_FLOAT.fullmatch(raw.strip()):
        raise DomainError(code, message, details={"value": raw[:40]})
    value = float(raw)
    if not math.isfinite(value):
        raise DomainError(code, message, details={"value": raw})
    return value


@overload
def parse_point(params, *, required: Literal[True]) -> Point: ...
@overload
def parse_point(params, *, required: bool = False) -> Point | None: ...
def parse_point(params, *, required: bool = False) -> Point | None:
    """``lat``, ``lng`` and ``radius_km`` from a QueryDict; None when no point was given."""
    raw_lat, raw_lng = params.get("lat", ""), params.get("lng", "")
    if raw_lat == "" and raw_lng == "":
        if required:
            raise DomainError("location_required", _("위치(lat, lng)를 보내 주세요."))
        return None
    if raw_lat == "" or raw_lng == "":
        raise DomainError("location_incomplete", _("위도와 경도를 함께 보내 주세요."))
    lat = _float(raw_lat, "invalid_lat", _("위도(lat)는 숫자여야 해요."))
    lng = _float(raw_lng, "invalid_lng", _("경도(lng)는 숫자여야 해요."))
    if not in_korea(lat, lng):
        raise DomainError(
            "location_outside_korea",
            _("대한민국 안의 위치만 검색할 수 있어요."),
            details={"lat": lat, "lng": lng},
        )
    radius = params.get("radius_km", "")
    radius_km = (
        DEFAULT_RADIUS_KM
        if radius == ""
        else _float(radius, "invalid_radius", _("반경(radius_km)은 숫자여야 해요."))
    )
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise DomainError(
            "invalid_radius",
            _("반경은 0보다 크고 %(max)dkm 이하여야 해요.") % {"max": MAX_RADIUS_KM},
            details={"radius_km": radius_km, "max": MAX_RADIUS_KM},
        )
    return Point(lat, lng, radius_km)


# Beyond any row id; every id and count parsed here stays far below a bigint's 2**63 - 1.
MAX_ID = 2**62
# Deep enough for any list a person pages through; keeps OFFSET arithmetic small.
MAX_PAGE = 10_000
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_SURROGATES = re.compile("[\ud800-\udfff]")


class IdConverter:
    """``<id:name>`` in URL patterns: a positive row id in ASCII digits below ``MAX_ID``.
    Anything else does not match the route (a 404, JSON under /api/)."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def ascii_int(raw: str) -> int | None:
    """The integer ``raw`` spells in ASCII digits, or None (signs, spaces, other scripts)."""
    return int(raw) if _ASCII_DIGITS.fullmatch(raw) else None


@overload
def parse_positive_int(params, name: str, *, maximum: int = MAX_ID, default: int) -> int: ...
@overload
def parse_positive_int(
    params, name: str, *, maximum: int = MAX_ID, default: None = None
) -> int | None: ...
def parse_positive_int(
    params, name: str, *, maximum: int = MAX_ID, default: int | None = None
) -> int | None:
    """``name`` as an integer from 1 to ``maximum``; ``default`` when absent or empty."""
    raw = params.get(name, "")
    if raw == "":
        return default
    value = ascii_int(raw)
    if value is None or not 1 <= value <= maximum:
        raise DomainError(
            f"invalid_{name}",
            _("%(name)s는 1부터 %(max)s까지의 정수여야 해요.") % {"name": name, "max": maximum},
            details={"max": maximum},
        )
    return value


def clean_text(value: str, *, code: str = "invalid_text") -> str:
    """``value`` if it is text PostgreSQL can store, else a refusal with ``code``."""
    if "\x00" in value or _SURROGATES.search(value):
        raise DomainError(code, _("쓸 수 없는 문자(NUL 등)가 들어 있어요."))
    return value


def parse_text(params, name: str, *, max_length: int = 100) -> str:
    """``name`` stripped and cut to ``max_length``; refused if it holds NUL or surrogates."""
    return clean_text(params.get(name, ""), code=f"invalid_{name}").strip()[:max_length]


def parse_page(params) -> int:
    return parse_positive_int(params, "page", maximum=MAX_PAGE, default=1)


def parse_flag(params, name: str) -> bool:
    """``1``/``true``/``yes`` (any case) is on; absent, empty, ``0``/``false``/``no`` off."""
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise DomainError(f"invalid_{name}", _("%(name)s는 1 또는 0이어야 해요.") % {"name": name})
