"""Setting a home address through the API with Kakao configured (served by a local fake)."""

import pytest

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
    assert kakao.requests[-1].headers["Authorization"] == f"KakaoAK {kakao.api_key}"


@pytest.mark.parametrize(
    ("fail", "status", "code"),
    [
        (lambda k: k.respond_with_status(401), 503, "geocoder_unauthorized"),
        (lambda k: k.respond_with_status(429), 503, "geocoder_rate_limited"),
        (lambda k: k.respond_with_status(500), 503, "geocoder_unavailable"),
        (lambda k: k.respond_slowly(2.0), 503, "geocoder_unavailable"),
        (lambda k: k.respond_empty(), 400, "address_not_found"),
    ],
)
def test_geocoder_failures_are_clear_errors_and_keep_the_old_home(
    auth_client, user, kakao, fail, status, code
):
    user.address, user.lat, user.lng = "부산 해운대구 해운대해변로 264", 35.16, 129.16
    user.save()
    fail(kakao)
    response = auth_client.patch(
        "/api/v1/me", {"address": "서울 마포구 월드컵로 212"}, format="json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    user.refresh_from_db()
    assert (user.address, user.lat, user.lng) == ("부산 해운대구 해운대해변로 264", 35.16, 129.16)
