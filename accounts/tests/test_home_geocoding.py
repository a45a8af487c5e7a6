"""Setting a home address through the API with Kakao configured (served by a local fake)."""

import pytest

from markets import districts

pytestmark = pytest.mark.django_db


@pytest.fixture
def kakao(settings, fake_kakao):
    settings.KAKAO_REST_API_KEY = fake_kakao.api_key
    settings.KAKAO_LOCAL_URL = fake_kakao.url
    settings.GEOCODER_TIMEOUT_SECONDS = 0.5
    return fake_kakao


def test_home_address_is_geocoded_by_kakao(auth_client, user, kakao):
    kakao.add_address(
        "망원동 월드컵로 212",
        road_address="서울특별시 마포구 월드컵로 212",
        lot_address="서울특별시 마포구 성산동 515",
        lat=37.568,
        lng=126.897,
    )
    response = auth_client.patch("/api/v1/me", {"address": "망원동 월드컵로 212"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["address"] == "서울특별시 마포구 월드컵로 212"
    assert (body["lat"], body["lng"]) == (pytest.approx(37.568), pytest.approx(126.897))
    assert (body["sido"], body["sigungu"]) == ("서울특별시", "마포구")
    assert body["location_approximate"] is False
    assert (body["location_precision"], body["location_source"]) == ("exact", "kakao")
    assert kakao.requests[-1].headers["Authorization"] == f"KakaoAK {kakao.api_key}"


@pytest.mark.parametrize(
    "fail",
    [
        pytest.param(lambda k: k.respond_with_status(500), id="5xx"),
        pytest.param(lambda k: k.respond_with_status(429), id="quota"),
        pytest.param(lambda k: k.respond_with_status(401), id="key-refused"),
        pytest.param(lambda k: k.respond_slowly(2.0), id="timeout"),
    ],
)
def test_kakao_outage_saves_the_district_centre_flagged_approximate(auth_client, user, kakao, fail):
    fail(kakao)

    response = auth_client.patch(
        "/api/v1/me", {"address": "서울 강남구 테헤란로 152"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    gangnam = districts.lookup("서울특별시", "강남구")
    assert gangnam is not None
    assert (body["lat"], body["lng"]) == (gangnam.lat, gangnam.lng)
    assert body["location_approximate"] is True
    assert (body["location_precision"], body["location_source"]) == ("district", "offline")
    user.refresh_from_db()
    assert (user.sigungu, user.location_precision) == ("강남구", "district")


def test_kakao_outage_on_an_address_nobody_can_place_is_503_and_keeps_the_old_home(
    auth_client, user, kakao
):
    user.address, user.lat, user.lng = "부산 해운대구 해운대해변로 264", 35.16, 129.16
    user.save()
    kakao.respond_with_status(500)

    response = auth_client.patch("/api/v1/me", {"address": "qwerty 모르는 곳 1"}, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "geocoder_unavailable"
    assert "지도에서 위치를 고르" in response.json()["message"]
    user.refresh_from_db()
    assert (user.address, user.lat, user.lng) == ("부산 해운대구 해운대해변로 264", 35.16, 129.16)


def test_kakao_not_finding_the_address_is_400_and_keeps_the_old_home(auth_client, user, kakao):
    user.address, user.lat, user.lng = "부산 해운대구 해운대해변로 264", 35.16, 129.16
    user.save()
    kakao.respond_empty()

    response = auth_client.patch(
        "/api/v1/me", {"address": "서울 마포구 월드컵로 212"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "address_not_found"
    user.refresh_from_db()
    assert (user.address, user.lat, user.lng) == ("부산 해운대구 해운대해변로 264", 35.16, 129.16)
