import pytest
from django.utils import timezone

from common.geo import haversine_km
from tests.factories import MarketFactory, UserFactory

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


# --- Markets near you ----------------------------------------------------------------------

NEAREST_FROM_YONGSAN = ["이마트 용산점", "홈플러스 합정점", "롯데마트 강남점", "이마트 해운대점"]
ALPHABETICAL = ["롯데마트 강남점", "이마트 용산점", "이마트 해운대점", "홈플러스 합정점"]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["name"] for m in response.json()["results"]]


def test_markets_are_nearest_first_from_home_and_alphabetical_without_one(
    api_client, seoul_and_busan_markets
):
    assert names(api_client.get("/api/v1/markets")) == ALPHABETICAL
    assert api_client.get("/api/v1/markets").json()["results"][0]["distance_km"] is None
    api_client.force_authenticate(UserFactory())  # no home yet
    assert names(api_client.get("/api/v1/markets")) == ALPHABETICAL

    at_yongsan = UserFactory(lat=YONGSAN[0], lng=YONGSAN[1])
    api_client.force_authenticate(at_yongsan)
    results = api_client.get("/api/v1/markets").json()["results"]
    # Every market, the one in Busan (~325 km) too: a far nearest mart is not an empty list.
    assert [m["name"] for m in results] == NEAREST_FROM_YONGSAN
    for market in results:
        expected = haversine_km(*YONGSAN, market["lat"], market["lng"])
        assert market["distance_km"] == pytest.approx(expected, abs=0.001)
    assert results[-1]["distance_km"] > 300


def test_markets_order_name_gives_alphabetical_order_with_distances_from_home(
    api_client, seoul_and_busan_markets
):
    api_client.force_authenticate(UserFactory(lat=YONGSAN[0], lng=YONGSAN[1]))
    results = api_client.get("/api/v1/markets", {"order": "name"}).json()["results"]
    assert [m["name"] for m in results] == ALPHABETICAL
    assert all(m["distance_km"] is not None for m in results)
    nearest = api_client.get("/api/v1/markets", {"order": "distance"})
    assert names(nearest) == NEAREST_FROM_YONGSAN


def test_markets_explicit_point_wins_over_home(api_client, seoul_and_busan_markets):
    busan = seoul_and_busan_markets["busan"]
    api_client.force_authenticate(UserFactory(lat=busan.lat, lng=busan.lng))
    assert names(api_client.get("/api/v1/markets"))[0] == "이마트 해운대점"
    around_yongsan = api_client.get(
        "/api/v1/markets", {"lat": YONGSAN[0], "lng": YONGSAN[1], "radius_km": 10}
    )
    results = around_yongsan.json()["results"]
    assert [m["name"] for m in results] == NEAREST_FROM_YONGSAN[:3]
    assert results[0]["distance_km"] == pytest.approx(0, abs=0.001)


def test_markets_home_order_applies_to_a_search_too(api_client, seoul_and_busan_markets):
    busan = seoul_and_busan_markets["busan"]
    api_client.force_authenticate(UserFactory(lat=busan.lat, lng=busan.lng))
    assert names(api_client.get("/api/v1/markets", {"q": "이마트"})) == [
        "이마트 해운대점",
        "이마트 용산점",
    ]


def test_markets_unknown_order_is_400_with_code(api_client):
    response = api_client.get("/api/v1/markets", {"order": "price"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_order"
    assert response.json()["details"] == {"allowed": ["distance", "name"]}


# --- Closed stores (폐업) ------------------------------------------------------------------


def test_closed_markets_leave_the_list_and_nearby_search_but_answer_by_id(
    api_client, seoul_and_busan_markets
):
    closed = MarketFactory(
        name="이마트 용산역점", lat=37.5296, lng=126.9650, closed_at=timezone.now()
    )
    assert names(api_client.get("/api/v1/markets")) == ALPHABETICAL
    assert names(api_client.get("/api/v1/markets", {"q": "용산역"})) == []
    near = api_client.get("/api/v1/markets", {"lat": YONGSAN[0], "lng": YONGSAN[1]})
    assert names(near) == NEAREST_FROM_YONGSAN[:3]
    api_client.force_authenticate(UserFactory(lat=YONGSAN[0], lng=YONGSAN[1]))
    assert names(api_client.get("/api/v1/markets")) == NEAREST_FROM_YONGSAN

    body = api_client.get(f"/api/v1/markets/{closed.id}").json()
    assert body["name"] == "이마트 용산역점"
    assert body["closed_at"] is not None
    open_one = api_client.get(f"/api/v1/markets/{seoul_and_busan_markets['mapo'].id}").json()
    assert open_one["closed_at"] is None


def test_markets_list_schema_documents_the_home_order_and_closed_markets(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/markets"]["get"]
    assert "집에서 가까운 순" in operation["description"]
    assert "폐업" in operation["description"]
    order = next(p for p in operation["parameters"] if p["name"] == "order")
    assert order["schema"]["enum"] == ["distance", "name"]
