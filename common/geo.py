"""Geography helpers shared by markets, accounts and parties."""

import math

from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), as the design fixes

# Mainland Korea plus Jeju, Ulleungdo and Dokdo, with a small margin.
KOREA_LAT_RANGE = (33.0, 38.9)
KOREA_LNG_RANGE = (124.5, 132.0)


def in_korea(lat: float, lng: float) -> bool:
    return (
        KOREA_LAT_RANGE[0] <= lat <= KOREA_LAT_RANGE[1]
        and KOREA_LNG_RANGE[0] <= lng <= KOREA_LNG_RANGE[1]
    )


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) that contains every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    # Widest longitude span is at the latitude of the box edge nearest the pole.
    edge_lat = min(89.0, abs(lat) + dlat)
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(edge_lat))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


# 시도 names as they appear at the start of road-name addresses, with common short forms.
SIDO_NAMES = {
    "서울특별시": "서울특별시",
    "서울": "서울특별시",
    "부산광역시": "부산광역시",
    "부산": "부산광역시",
    "대구광역시": "대구광역시",
    "대구": "대구광역시",
    "인천광역시": "인천광역시",
    "인천": "인천광역시",
    "광주광역시": "광주광역시",
    "광주": "광주광역시",
    "대전광역시": "대전광역시",
    "대전": "대전광역시",
    "울산광역시": "울산광역시",
    "울산": "울산광역시",
    "세종특별자치시": "세종특별자치시",
    "세종": "세종특별자치시",
    "경기도": "경기도",
    "경기": "경기도",
    "강원특별자치도": "강원특별자치도",
    "강원도": "강원특별자치도",
    "강원": "강원특별자치도",
    "충청북도": "충청북도",
    "충북": "충청북도",
    "충청남도": "충청남도",
    "충남": "충청남도",
    "전북특별자치도": "전북특별자치도",
    "전라북도": "전북특별자치도",
    "전북": "전북특별자치도",
    "전라남도": "전라남도",
    "전남": "전라남도",
    "경상북도": "경상북도",
    "경북": "경상북도",
    "경상남도": "경상남도",
    "경남": "경상남도",
    "제주특별자치도": "제주특별자치도",
    "제주도": "제주특별자치도",
    "제주": "제주특별자치도",
}


def split_region(address: str) -> tuple[str, str]:
    """(시도, 시군구) from a Korean address; ('', '') when it does not start with a 시도.

    시군구 keeps a 구 under a 시 ("수원시 팔달구"), as region routing wants the finer unit.
    """
    parts = address.split()
    if not parts or parts[0] not in SIDO_NAMES:
        return "", ""
    sido = SIDO_NAMES[parts[0]]
    sigungu_parts = []
    for part in parts[1:3]:
        if part.endswith(("시", "군", "구")) and not part[:-1].isdigit():
            sigungu_parts.append(part)
            if not part.endswith("시"):
                break
        else:
            break
    return sido, " ".join(sigungu_parts)


DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 50.0


def format_distance_km(km: float, *, approximate: bool = False) -> str:
    """A distance as residents read it: "3.2km", or "약 3km" when measured from an approximate
    point (a district centre is kilometres off any one home, so tenths would be a false
    precision). Never "약 0km": anything under a kilometre from a rough point is "약 1km"."""
    if approximate:
        return _("약 %(km)dkm") % {"km": max(1, round(km))}
    return _("%(km)skm") % {"km": f"{km:.1f}"}
