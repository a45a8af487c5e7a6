"""Query-parameter parsing shared by API views and pages, with domain error codes."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, in_korea


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float
    radius_km: float


def _float(raw: str, code: str, message: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise DomainError(code, message, details={"value": raw}) from None
    if not math.isfinite(value):
        raise DomainError(code, message, details={"value": raw})
    return value


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


def parse_positive_int(params, name: str) -> int | None:
    raw = params.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1 or int(raw) > 2**62:
        raise DomainError(f"invalid_{name}", _("%(name)s는 양의 정수여야 해요.") % {"name": name})
    return int(raw)
