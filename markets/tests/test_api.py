import pytest

from common.geo import haversine_km
from tests.factories import MarketFactory

pytestmark = pytest.mark.django_db

YONGSAN = (37.5298, 126.9648)


@pytest.fixture
def seoul_and_busan_markets():
    return {
        "yongsan": MarketFactory(name="이마트 용산점", lat=37.5298, lng=126.9648),
        "mapo": MarketFactory(
            name="홈플러스 합정점",
            lat=37.5496,
            lng=126.9128,
            road_address="서울특별시 마포구 양화로 45",
        ),
        "gangnam": MarketFactory(name="롯데마트 강남점", lat=37.4842, lng=127.0459),
        "busan": MarketFactory(
            name="이마트 해운대점", lat=35.1697, lng=129.1287, sido="부산광역시", sigungu="해운대구"
        ),
    }


def test_markets_near_a_point_are_within_radius_and_nearest_first(
    api_client, seoul_and_busan_markets
):
    response = api_client.get("/api/v1/markets", {"lat": YONGSAN[0], "lng": YONGSAN[1]})
    assert response.status_code == 200
    results = response.json()["results"]
    names = [m["name"] for m in results]
    assert names == ["이마트 용산점", "홈플러스 합정점", "롯데마트 강남점"]
    for market in results:
        expected = haversine_km(*YONGSAN, market["lat"], market["lng"])
        assert market["distance_km"] == pytest.approx(expected, abs=0.001)
        assert market["distance_km"] <= 10


def test_markets_radius_narrows_the_result(api_client, seoul_and_busan_markets):
    response = api_client.get(
        "/api/v1/markets", {"lat": YONGSAN[0], "lng": YONGSAN[1], "radius_km": 6}
    )
    assert [m["name"] for m in response.json()["results"]] == ["이마트 용산점", "홈플러스 합정점"]


def test_markets_search_by_name_or_address(api_client, seoul_and_busan_markets):
    by_name = api_client.get("/api/v1/markets", {"q": "해운대"}).json()
    assert [m["name"] for m in by_name["results"]] == ["이마트 해운대점"]
    assert by_name["results"][0]["distance_km"] is None
    by_address = api_client.get("/api/v1/markets", {"q": "양화로"}).json()
    assert [m["name"] for m in by_address["results"]] == ["홈플러스 합정점"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lat": "abc", "lng": "127"}, "invalid_lat"),
        ({"lat": "37.5", "lng": "east"}, "invalid_lng"),
        ({"lat": "37.5"}, "location_incomplete"),
        ({"lat": "nan", "lng": "127"}, "invalid_lat"),
        ({"lat": "40.7", "lng": "-74.0"}, "location_outside_korea"),
        ({"lat": "37.5", "lng": "127", "radius_km": "0"}, "invalid_radius"),
        ({"lat": "37.5", "lng": "127", "radius_km": "51"}, "invalid_radius"),
        ({"lat": "37.5", "lng": "127", "radius_km": "ten"}, "invalid_radius"),
    ],
)
def test_markets_bad_location_parameters_are_400_with_code(api_client, params, code):
    response = api_client.get("/api/v1/markets", params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_market_detail_and_404(api_client, seoul_and_busan_markets):
    market = seoul_and_busan_markets["busan"]
    body = api_client.get(f"/api/v1/markets/{market.id}").json()
    assert body["name"] == "이마트 해운대점"
    assert body["sido"] == "부산광역시"
    missing = api_client.get("/api/v1/markets/987654")
    assert missing.status_code == 404
    assert missing.json()["code"] == "market_not_found"


def test_markets_list_is_paginated(api_client):
    for i in range(25):
        MarketFactory(name=f"동네마트 {i:02d}")
    first = api_client.get("/api/v1/markets").json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert api_client.get("/api/v1/markets", {"page": 9}).status_code == 404
