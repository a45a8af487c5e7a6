import gzip
import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import CategoryFactory, ItemFactory, MarketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    market = MarketFactory(name="이마트 용산점")
    item = ItemFactory(name="부사 사과 5kg", category=CategoryFactory(name="과일"))
    return {"market": market, "item": item}


PUBLIC_PAGES = [
    ("home", {}),
    ("accounts:signup", {}),
    ("accounts:login", {}),
    ("markets:list", {}),
    ("catalog:list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_public_pages_render_in_korean(client, content, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    for label in ("근처 파티", "마트", "품목", "마이페이지", "알림"):
        assert label in html


def test_detail_and_private_pages_render_for_a_member(client, user, content):
    client.force_login(user)
    urls = [
        reverse("markets:detail", args=[content["market"].id]),
        reverse("accounts:me"),
        reverse("profile", args=[user.id]),
        reverse("notifications:inbox"),
        reverse("markets:list") + "?near=home",
        reverse("catalog:list") + "?q=사과",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert user.nickname in response.content.decode()


def test_private_pages_send_anonymous_users_to_login(client):
    for name in ("accounts:me", "notifications:inbox"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_unknown_pages_are_korean_404s(client, db):
    for url in ("/markets/999999/", "/accounts/users/999999/", "/nope/"):
        response = client.get(url)
        assert response.status_code == 404, url


def test_item_page_searches_and_market_page_shows_demo_badge(client, content):
    MarketFactory(name="데모마트", source="demo", source_id="DEMO-9")
    items = client.get(reverse("catalog:list"), {"q": "사과"}).content.decode()
    assert "부사 사과 5kg" in items
    markets = client.get(reverse("markets:list"), {"q": "데모"}).content.decode()
    assert "데모마트" in markets and "badge--demo" in markets


def test_market_page_explains_bad_location_instead_of_failing(client, content):
    response = client.get(reverse("markets:list"), {"lat": "x", "lng": "127"})
    assert response.status_code == 400
    assert "위도(lat)는 숫자여야 해요." in response.content.decode()


def test_signup_page_creates_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "page@example.kr",
            "nickname": "합정동주민",
            "password": "s3cure-pass-9",
            "password_confirm": "s3cure-pass-9",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:me")
    me = client.get(reverse("accounts:me")).content.decode()
    assert "합정동주민" in me
    assert User.objects.filter(email="page@example.kr").exists()


def test_signup_page_shows_errors_and_creates_nothing(client, user_factory):
    user_factory(email="taken@example.kr")
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "taken@example.kr",
            "nickname": "x",
            "password": "short",
            "password_confirm": "other",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "비밀번호가 서로 달라요." in html
    assert User.objects.count() == 1


def test_login_page_accepts_email_and_rejects_wrong_password(client, user, password):
    bad = client.post(reverse("accounts:login"), {"username": user.email, "password": "nope"})
    assert bad.status_code == 200
    assert "이메일 또는 비밀번호가 맞지 않아요." in bad.content.decode()
    good = client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert good.status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 200


def test_me_page_sets_home_address(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:me"), {"action": "home", "address": "부산 해운대구 해운대해변로 264"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.sido == "부산광역시"
    assert user.sigungu == "해운대구"
    page = client.get(reverse("accounts:me")).content.decode()
    assert "해운대해변로 264" in page


def test_me_page_reports_unknown_address(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:me"), {"action": "home", "address": "zzzz"})
    assert response.status_code == 200
    assert re.search(r"주소를 찾을 수 없", response.content.decode())
    user.refresh_from_db()
    assert user.lat is None


def test_logout_is_post_only_and_logs_out(client, user):
    client.force_login(user)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 302


def test_admin_lists_markets_items_and_users(admin_client, content):
    for url in (
        "/admin/markets/market/",
        "/admin/catalog/item/",
        "/admin/catalog/category/",
        "/admin/accounts/user/",
        f"/admin/markets/market/{content['market'].id}/change/",
        "/admin/markets/market/?q=용산",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert "이마트 용산점" in admin_client.get("/admin/markets/market/").content.decode()


@pytest.mark.django_db
def test_pages_are_compressed_for_browsers_that_ask(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip" and "Accept-Encoding" in page["Vary"]
    assert "로그인" in gzip.decompress(page.content).decode()
