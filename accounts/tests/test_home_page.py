"""The home location on my page, and how honest the pages that use it are about its precision.

Without a Kakao key (and when Kakao fails) an address is placed at its district's centre: the
pages say "대략적인 위치(구 중심)" and round what they show from it.
"""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import User
from common.geo import haversine_km
from markets import districts
from tests.factories import MarketFactory, make_party

pytestmark = pytest.mark.django_db

GANGNAM = districts.lookup("서울특별시", "강남구")
assert GANGNAM is not None
EXACT_HOME = {"lat": "37.50123", "lng": "127.03987"}  # a point in 역삼동, as a pin would give


def _me(client) -> str:
    return client.get(reverse("accounts:me")).content.decode()


def _flash(html: str) -> list[str]:
    return re.findall(r'class="flash__item[^"]*">([^<]+)<', html)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_address_placed_at_the_district_centre_is_labelled_approximate_and_rounded(signed_in, user):
    response = signed_in.post(
        reverse("accounts:me"), {"action": "home", "address": "서울 강남구 테헤란로 152"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.lat, user.lng) == (GANGNAM.lat, GANGNAM.lng)
    assert user.location_precision == "district"
    html = _me(signed_in)
    assert any("대략적인 위치(구 중심)로 저장했어요" in m for m in _flash(html))
    assert not any(m == "집 위치를 저장했어요." for m in _flash(html))
    home = re.search(r'data-testid="me-home">(.*?)</dd>', html, re.S).group(1)
    assert "대략적인 위치(구 중심)" in home
    assert f"약 {GANGNAM.lat:.2f}, {GANGNAM.lng:.2f}" in home
    # No four-decimal coordinates for a point that is only the district office.
    assert not re.search(r"\d+\.\d{3,}", home)


def test_kakao_failing_saves_the_district_centre_and_says_it_is_approximate(
    signed_in, user, settings, fake_kakao
):
    settings.KAKAO_REST_API_KEY = fake_kakao.api_key
    settings.KAKAO_LOCAL_URL = fake_kakao.url
    fake_kakao.respond_with_status(503)

    response = signed_in.post(
        reverse("accounts:me"),
        {"action": "home", "address": "서울 강남구 테헤란로 152"},
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert any("대략적인 위치(구 중심)로 저장했어요" in m for m in _flash(html))
    user.refresh_from_db()
    assert (user.lat, user.lng, user.location_source) == (GANGNAM.lat, GANGNAM.lng, "offline")


def test_empty_address_is_refused_with_what_to_do_and_nothing_is_saved(signed_in, user):
    User.objects.filter(pk=user.pk).update(
        address="부산광역시 해운대구 해운대해변로 264", lat=35.16, lng=129.16, sigungu="해운대구"
    )

    response = signed_in.post(reverse("accounts:me"), {"action": "home", "address": "  "})

    assert response.status_code == 200
    html = response.content.decode()
    assert "주소를 입력하거나 지도에서 위치를 골라 주세요." in html
    assert "저장했어요" not in html
    user.refresh_from_db()
    assert (user.address, user.lat, user.lng, user.sigungu) == (
        "부산광역시 해운대구 해운대해변로 264",
        35.16,
        129.16,
        "해운대구",
    )


def test_pin_on_the_map_saves_an_exact_home_from_the_map(signed_in, user):
    address = {"action": "home", "address": "서울 강남구 테헤란로 152"}
    signed_in.post(reverse("accounts:me"), address)

    response = signed_in.post(reverse("accounts:me"), {"action": "pin", **EXACT_HOME})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.lat, user.lng) == (37.50123, 127.03987)
    assert (user.location_precision, user.location_source) == ("exact", "map")
    assert user.address == ""
    html = _me(signed_in)
    assert "지도에서 고른 위치를 집 위치로 저장했어요." in _flash(html)
    home = re.search(r'data-testid="me-home">(.*?)</dd>', html, re.S).group(1)
    assert "정확한 위치 · 지도에서 고름" in home
    assert "대략적인 위치" not in home
    assert "(37.5012, 127.0399)" in home


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "지도에서 집 위치를 먼저 눌러 주세요."),
        ({"lat": "north", "lng": "127"}, "지도에서 집 위치를 먼저 눌러 주세요."),
        ({"lat": "35.68", "lng": "139.76"}, "대한민국 안의 위치만 설정할 수 있어요."),  # Tokyo
    ],
)
def test_pin_without_a_point_in_korea_is_refused_and_nothing_is_saved(
    signed_in, user, posted, message
):
    User.objects.filter(pk=user.pk).update(lat=35.16, lng=129.16)

    response = signed_in.post(reverse("accounts:me"), {"action": "pin", **posted})

    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert (user.lat, user.lng, user.location_source) == (35.16, 129.16, "")


# --- distances measured from the home ------------------------------------------------------


def _nearby_distances(html: str) -> list[str]:
    return re.findall(r'data-testid="party-distance">([^<]+)<', html)


def test_nearby_from_an_approximate_home_shows_whole_kilometres_with_about(signed_in, user):
    User.objects.filter(pk=user.pk).update(
        lat=GANGNAM.lat, lng=GANGNAM.lng, location_precision="district"
    )
    market = MarketFactory(lat=GANGNAM.lat + 0.02, lng=GANGNAM.lng + 0.01)
    make_party(market=market)
    km = haversine_km(GANGNAM.lat, GANGNAM.lng, market.lat, market.lng)
    assert f"{km:.1f}" != f"{round(km)}"  # the test would not tell the two apart otherwise

    html = signed_in.get(reverse("home")).content.decode()

    assert _nearby_distances(html) == [f"약 {round(km)}km"]
    assert 'data-testid="nearby-approximate"' in html
    island = re.search(r'<script id="nearby-data" type="application/json">(.*?)</script>', html)
    assert [p["distance"] for p in json.loads(island.group(1))["parties"]] == [f"약 {round(km)}km"]


def test_nearby_from_an_exact_home_keeps_tenths(signed_in, user):
    User.objects.filter(pk=user.pk).update(
        lat=GANGNAM.lat, lng=GANGNAM.lng, location_precision="exact", location_source="map"
    )
    market = MarketFactory(lat=GANGNAM.lat + 0.02, lng=GANGNAM.lng + 0.01)
    make_party(market=market)
    km = haversine_km(GANGNAM.lat, GANGNAM.lng, market.lat, market.lng)

    html = signed_in.get(reverse("home")).content.decode()

    assert _nearby_distances(html) == [f"{km:.1f}km"]
    assert 'data-testid="nearby-approximate"' not in html


def test_market_list_from_an_approximate_home_rounds_distances(signed_in, user):
    User.objects.filter(pk=user.pk).update(
        lat=GANGNAM.lat, lng=GANGNAM.lng, location_precision="district"
    )
    market = MarketFactory(lat=GANGNAM.lat + 0.02, lng=GANGNAM.lng + 0.01)
    km = haversine_km(GANGNAM.lat, GANGNAM.lng, market.lat, market.lng)

    html = signed_in.get(reverse("markets:list")).content.decode()

    assert re.findall(r'<span class="distance">([^<]+)<', html) == [f"약 {round(km)}km"]
