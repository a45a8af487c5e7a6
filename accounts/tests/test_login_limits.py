"""Password guessing is bounded: failed logins count per account and per client address, on
the login page and the token API alike; a client cannot reset its count by writing its own
X-Forwarded-For; past the limit even the right password is refused, with when to retry.
Signups are limited per client address too, and a refused signup says the same whether or
not the email is registered (as far as it can without hurting the person signing up)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 10  # settings.AXES_FAILURE_LIMIT


def token_attempt(client: APIClient, email: str, password: str, *, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json", **extra
    )


def page_attempt(client: Client, email: str, password: str, *, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_api_locks_an_account_and_the_right_password_no_longer_logs_in(api_client, user, password):
    for n in range(LIMIT - 1):
        # Each guess from a "different" address, as the probe did: it does not help.
        response = token_attempt(api_client, user.email, "guess", forwarded=f"10.0.0.{n}")
        assert response.status_code == 401
    # The guess that reaches the limit is the first to be told.
    assert token_attempt(api_client, user.email, "guess").status_code == 429
    locked = token_attempt(api_client, user.email.upper(), password, forwarded="10.9.9.9")
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "login_locked"
    assert "다시 시도해 주세요" in body["message"]
    assert "access" not in body and "refresh" not in body
    assert int(locked["Retry-After"]) > 0
    assert body["details"]["retry_after_seconds"] > 0


def test_api_locks_an_address_that_tries_many_accounts(api_client, password):
    victims = UserFactory.create_batch(LIMIT)
    for n, victim in enumerate(victims):
        token_attempt(api_client, victim.email, "guess", forwarded=f"203.0.113.{n}")
    bystander = UserFactory()  # the right password, from the same (real) address
    response = token_attempt(api_client, bystander.email, password, forwarded="198.51.100.7")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(settings, password):
    settings.TRUSTED_PROXY_COUNT = 1  # nginx appends the address it received the request from
    victims = UserFactory.create_batch(LIMIT)
    attacker = APIClient()
    for victim in victims:
        token_attempt(attacker, victim.email, "guess", forwarded="1.2.3.4, 203.0.113.5")
    neighbour = UserFactory()
    # Another resident behind the same proxy logs in: their address is not the attacker's.
    assert (
        token_attempt(APIClient(), neighbour.email, password, forwarded="198.51.100.7").status_code
        == 200
    )
    # The attacker's own address is locked, whatever it claims further left.
    response = token_attempt(attacker, neighbour.email, password, forwarded="9.9.9.9, 203.0.113.5")
    assert response.status_code == 429


def test_login_page_locks_too_and_says_until_when(client, user, password):
    for _ in range(LIMIT - 1):
        response = page_attempt(client, user.email, "guess")
        assert response.status_code == 200
        assert "이메일 또는 비밀번호가 맞지 않아요." in response.content.decode()
    assert page_attempt(client, user.email, "guess").status_code == 429
    locked = page_attempt(client, user.email, password)
    assert locked.status_code == 429
    assert "로그인에 너무 여러 번 실패했어요." in locked.content.decode()
    assert client.get("/accounts/me/").status_code == 302  # not logged in


def test_page_and_api_failures_count_together(client, api_client, user, password):
    for _ in range(LIMIT // 2):
        page_attempt(client, user.email, "guess")
        token_attempt(api_client, user.email, "guess")
    assert token_attempt(api_client, user.email, password).status_code == 429


def test_a_few_typos_do_not_lock_anyone(api_client, user, password):
    for _ in range(3):
        token_attempt(api_client, user.email, "typo")
    assert token_attempt(api_client, user.email, password).status_code == 200


# --- signup ---------------------------------------------------------------------------------


def signup(client: APIClient, n: int, *, forwarded: str | None = None, **fields):
    data = {"email": f"new{n}@example.kr", "password": "s3cure-pass-9", "nickname": f"새이웃{n}"}
    data.update(fields)
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/api/v1/auth/signup", data, format="json", **extra)


def test_signup_is_limited_per_address_whatever_it_claims(api_client, settings):
    settings.SIGNUP_ATTEMPTS_PER_HOUR = 5
    for n in range(5):
        assert signup(api_client, n, forwarded=f"10.1.1.{n}").status_code == 201
    refused = signup(api_client, 99, forwarded="10.1.1.99")
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_signups"
    assert int(refused["Retry-After"]) > 0
    assert not User.objects.filter(email="new99@example.kr").exists()


def test_signup_page_is_limited_too(client, settings):
    settings.SIGNUP_ATTEMPTS_PER_HOUR = 2
    for n in range(3):
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"page{n}@example.kr",
                "nickname": f"페이지{n}",
                "password": "short",
                "password_confirm": "short",
            },
        )
    assert response.status_code == 429
    assert "가입 시도가 너무 많아요." in response.content.decode()


def test_a_weak_password_is_refused_alike_for_taken_and_free_emails(api_client):
    UserFactory(email="taken@example.kr")
    taken = signup(api_client, 1, email="taken@example.kr", password="1234")
    free = signup(api_client, 2, email="free@example.kr", password="1234")
    assert taken.status_code == free.status_code == 400
    assert taken.json()["code"] == free.json()["code"] == "password_invalid"
