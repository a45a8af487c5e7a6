"""A suspended account cannot log in (and is told why), its sessions stop authenticating at
once, its refresh tokens are revoked and its access tokens refused."""

import pytest
from django.test import TestCase

from accounts.services import auth_tokens_issue, user_suspend, user_unsuspend
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def suspend(user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return user_suspend(user_id=user.id, reason="욕설")


def test_a_suspended_user_is_logged_out_and_told_why_at_login(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/me/").status_code == 200
    suspend(user)
    assert client.get("/accounts/me/").status_code == 302  # the session no longer counts
    page = client.post(
        "/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}
    ).content.decode()
    assert "이용이 정지된 계정이에요" in page
    wrong = client.post(
        "/accounts/login/", {"username": user.email, "password": "wrong-password-1"}
    ).content.decode()
    assert "이용이 정지된" not in wrong  # only the right password learns it


def test_api_tokens_stop_working(api_client):
    user = UserFactory()
    tokens = auth_tokens_issue(user=user)
    suspend(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get("/api/v1/me").status_code == 401
    api_client.credentials()
    refreshed = api_client.post(
        "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    login = api_client.post(
        "/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert (login.status_code, login.json()["code"]) == (403, "account_suspended")


def test_lifting_a_suspension_lets_them_back_in(client):
    user = UserFactory()
    suspend(user)
    user_unsuspend(user_id=user.id)
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
