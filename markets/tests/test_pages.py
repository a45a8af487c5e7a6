"""The markets list page: nearest first around the home, 가나다 otherwise, closed ones gone."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MarketFactory, UserFactory

pytestmark = pytest.mark.django_db

YONGSAN = (37.5298, 126.9648)
NEAREST_FROM_YONGSAN = ["이마트 용산점", "홈플러스 합정점", "롯데마트 강남점", "이마트 해운대점"]
ALPHABETICAL = ["롯데마트 강남점", "이마트 용산점", "이마트 해운대점", "홈플러스 합정점"]


@pytest.fixture
def markets():
    return {
        "yongsan": MarketFactory(name="이마트 용산점", lat=37.5298, lng=126.9648),
        "mapo": MarketFactory(name="홈플러스 합정점", lat=37.5496, lng=126.9128),
        "gangnam": MarketFactory(name="롯데마트 강남점", lat=37.4842, lng=127.0459),
        "busan": MarketFactory(name="이마트 해운대점", lat=35.1697, lng=129.1287),
    }


@pytest.fixture
def at_yongsan():
    return UserFactory(lat=YONGSAN[0], lng=YONGSAN[1], sido="서울특별시", sigungu="용산구")


def listed(response) -> list[str]:
    assert response.status_code == 200
    html = unescape(response.content.decode())
    [section] = re.findall(r'data-testid="market-list">(.*?)</ul>', html, re.S)
    return re.findall(r"<strong>([^<]+)</strong>", section)


def order_label(response) -> str:
    html = unescape(response.content.decode())
    return re.search(r'data-testid="market-order">([^<]+)<', html).group(1)


def test_markets_page_opens_nearest_first_around_home_with_distances(client, markets, at_yongsan):
    client.force_login(at_yongsan)
    response = client.get(reverse("markets:list"))
    assert listed(response) == NEAREST_FROM_YONGSAN
    assert order_label(response) == "집 근처 순"
    html = unescape(response.content.decode())
    assert "마트 4곳" in html
    assert '<span class="distance">0.0km</span>' in html
    assert re.search(r'<span class="distance">3\d\d\.\dkm</span>', html)  # Busan, still listed
    # The way to 가나다 order, and the current order marked.
    assert 'href="?order=name" data-testid="order-name"' in html
    assert re.search(r'class="chip is-active" href="\?" data-testid="order-distance"', html)


def test_markets_page_switches_to_alphabetical_order(client, markets, at_yongsan):
    client.force_login(at_yongsan)
    response = client.get(reverse("markets:list"), {"order": "name"})
    assert listed(response) == ALPHABETICAL
    assert order_label(response) == "가나다 순"
    html = unescape(response.content.decode())
    assert re.search(r'class="chip is-active" href="\?order=name" data-testid="order-name"', html)
    assert 'href="?" data-testid="order-distance">집 근처 순</a>' in html
    # A search keeps the chosen order.
    assert '<input type="hidden" name="order" value="name">' in html
    searched = client.get(reverse("markets:list"), {"order": "name", "q": "이마트"})
    assert listed(searched) == ["이마트 용산점", "이마트 해운대점"]
    assert 'href="?q=%EC%9D%B4%EB%A7%88%ED%8A%B8" data-testid="order-distance"' in unescape(
        searched.content.decode()
    )


def test_markets_page_is_alphabetical_for_anonymous_and_users_without_home(client, markets):
    response = client.get(reverse("markets:list"))
    assert listed(response) == ALPHABETICAL
    assert order_label(response) == "가나다 순"
    html = response.content.decode()
    assert 'data-testid="order-distance"' not in html
    assert 'class="distance"' not in html
    client.force_login(UserFactory())
    response = client.get(reverse("markets:list"))
    assert listed(response) == ALPHABETICAL
    assert order_label(response) == "가나다 순"
    assert "집 주소를 정하면 가까운 순으로 보여 드려요" in unescape(response.content.decode())


def test_markets_page_explicit_point_wins_over_home(client, markets):
    busan = markets["busan"]
    client.force_login(UserFactory(lat=busan.lat, lng=busan.lng))
    assert listed(client.get(reverse("markets:list")))[0] == "이마트 해운대점"
    response = client.get(
        reverse("markets:list"), {"lat": YONGSAN[0], "lng": YONGSAN[1], "radius_km": "10"}
    )
    assert listed(response) == NEAREST_FROM_YONGSAN[:3]
    assert order_label(response) == "가까운 순"
    assert "검색 위치에서 10km 안" in unescape(response.content.decode())


def test_markets_page_hides_closed_markets(client, markets, at_yongsan):
    MarketFactory(name="이마트 용산역점", lat=37.5296, lng=126.9650, closed_at=timezone.now())
    assert listed(client.get(reverse("markets:list"))) == ALPHABETICAL
    assert listed(client.get(reverse("markets:list"), {"q": "용산역"})) == []
    near = client.get(reverse("markets:list"), {"lat": YONGSAN[0], "lng": YONGSAN[1]})
    assert listed(near) == NEAREST_FROM_YONGSAN[:3]
    client.force_login(at_yongsan)
    assert listed(client.get(reverse("markets:list"))) == NEAREST_FROM_YONGSAN


def test_markets_page_refuses_an_unknown_order_with_a_message(client, markets):
    response = client.get(reverse("markets:list"), {"order": "price"})
    assert response.status_code == 400
    assert "정렬(order)은 distance 또는 name이어야 해요." in unescape(response.content.decode())
