"""Refresh tokens: rotated on every use, revocable by logout, all revoked by a password change;
a deleted or deactivated user's refresh token is a 401 (it was a 500)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


def obtain(client: APIClient, user, password: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", {"email": user.email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client: APIClient, token: str):
    return client.post("/api/v1/auth/token/refresh", {"refresh": token}, format="json")


def test_refresh_rotates_and_a_used_refresh_token_is_refused(api_client, user, password):
    first = obtain(api_client, user, password)
    rotated = refresh(api_client, first["refresh"])
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]

    replay = refresh(api_client, first["refresh"])  # a thief (or the owner) using it again
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_not_valid"
    assert refresh(api_client, rotated.json()["refresh"]).status_code == 200


def test_logout_revokes_that_refresh_token_only(api_client, user, password):
    phone, laptop = obtain(api_client, user, password), obtain(api_client, user, password)
    response = api_client.post("/api/v1/auth/logout", {"refresh": phone["refresh"]}, format="json")
    assert response.status_code == 205
    assert refresh(api_client, phone["refresh"]).status_code == 401
    assert refresh(api_client, laptop["refresh"]).status_code == 200  # the other device stays


def test_logout_with_a_bad_token_is_a_401_and_revokes_nothing(api_client, user, password):
    tokens = obtain(api_client, user, password)
    response = api_client.post("/api/v1/auth/logout", {"refresh": "garbage"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert refresh(api_client, tokens["refresh"]).status_code == 200


def test_a_deleted_users_refresh_token_is_a_401_not_a_500(api_client, user, password):
    tokens = obtain(api_client, user, password)
    User.objects.filter(pk=user.pk).delete()
    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_deactivated_users_refresh_token_is_refused(api_client, user, password):
    tokens = obtain(api_client, user, password)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_password_change_revokes_every_refresh_token(api_client, user, password):
    phone, laptop = obtain(api_client, user, password), obtain(api_client, user, password)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone['access']}")
    response = api_client.post(
        "/api/v1/me/password",
        {"old_password": password, "new_password": "brand-new-pass-42"},
        format="json",
    )
    assert response.status_code == 204
    assert refresh(api_client, phone["refresh"]).status_code == 401
    assert refresh(api_client, laptop["refresh"]).status_code == 401
    fresh = obtain(APIClient(), user, "brand-new-pass-42")
    assert refresh(APIClient(), fresh["refresh"]).status_code == 200


def test_password_change_with_the_wrong_old_password_changes_nothing(api_client, user, password):
    tokens = obtain(api_client, user, password)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = api_client.post(
        "/api/v1/me/password",
        {"old_password": "not-it", "new_password": "brand-new-pass-42"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_password"
    user.refresh_from_db()
    assert user.check_password(password)
    assert refresh(api_client, tokens["refresh"]).status_code == 200


def test_password_page_keeps_this_browser_and_ends_the_others(client, user, password):
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password": "brand-new-pass-42",
            "new_password_confirm": "brand-new-pass-42",
        },
        follow=True,
    )
    assert "비밀번호를 바꿨어요." in response.content.decode()
    assert client.get("/accounts/me/").status_code == 200  # still logged in here
    assert other.get("/accounts/me/").status_code == 302  # logged out elsewhere


def test_page_logout_ends_the_session_for_good(client, user):
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replayed = Client()
    replayed.cookies["sessionid"] = cookie
    response = replayed.get("/accounts/me/")
    assert response.status_code == 302  # the old cookie no longer logs anyone in


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking is PostgreSQL's")
def test_one_refresh_token_used_twice_at_once_yields_one_new_pair(user, password):
    tokens = obtain(APIClient(), user, password)
    barrier, statuses = threading.Barrier(8), []

    def use() -> None:
        barrier.wait()
        statuses.append(refresh(APIClient(), tokens["refresh"]).status_code)
        connection.close()

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [401] * 7
