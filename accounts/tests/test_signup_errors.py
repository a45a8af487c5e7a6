"""Signup says everything that needs fixing in one round, in natural Korean, on the page and
in the API; nothing is written while anything is wrong."""

import html as html_lib

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def field_errors(response) -> dict[str, list[str]]:
    """The messages shown under each field of the signup page."""
    form = response.context["form"]
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def test_signup_page_shows_every_fields_problem_at_once(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "not-an-email",
            "nickname": "<script>",
            "password": "1234",
            "password_confirm": "12",
        },
    )
    assert response.status_code == 200
    errors = field_errors(response)
    # Email, nickname, password and its confirmation in the same answer, not one per round.
    assert set(errors) == {"email", "nickname", "password", "password_confirm"}
    assert errors["nickname"] == ["닉네임은 2~20자의 한글, 영문, 숫자, 밑줄(_)만 쓸 수 있어요."]
    assert "비밀번호가 너무 짧아요. 8자 이상으로 정해 주세요." in errors["password"]
    page = html_lib.unescape(response.content.decode())
    assert "닉네임은 2~20자의 한글, 영문, 숫자, 밑줄(_)만 쓸 수 있어요." in page
    assert not User.objects.exists()


def test_signup_page_says_a_taken_nickname_together_with_a_weak_password(client, user_factory):
    user_factory(nickname="망원댁")
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "new@example.kr",
            "nickname": "망원댁",
            "password": "12345678",
            "password_confirm": "12345678",
        },
    )
    errors = field_errors(response)
    assert errors["nickname"] == ["이미 사용 중인 닉네임이에요."]
    assert "숫자로만 된 비밀번호는 쓸 수 없어요. 글자를 섞어 주세요." in errors["password"]
    assert User.objects.count() == 1


def test_signup_page_messages_are_natural_korean_not_djangos_defaults(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "", "nickname": "가" * 21, "password": "", "password_confirm": ""},
    )
    errors = field_errors(response)
    assert errors["email"] == ["꼭 입력해 주세요."]
    assert errors["password"] == ["꼭 입력해 주세요."]
    assert errors["nickname"] == ["20자까지 쓸 수 있어요. 지금 21자예요."]
    page = response.content.decode()
    for stiff in ("필수 항목입니다", "확인하세요", "입력하세요."):
        assert stiff not in page
    assert not User.objects.exists()


def test_signup_page_still_says_a_taken_email_only_once_all_else_is_right(client, user_factory):
    user_factory(email="taken@example.kr")
    weak = client.post(
        reverse("accounts:signup"),
        {
            "email": "taken@example.kr",
            "nickname": "새이웃",
            "password": "1234",
            "password_confirm": "1234",
        },
    )
    assert "email" not in field_errors(weak)  # a weak password learns nothing about the email
    right = client.post(
        reverse("accounts:signup"),
        {
            "email": "taken@example.kr",
            "nickname": "새이웃",
            "password": "s3cure-pass-9",
            "password_confirm": "s3cure-pass-9",
        },
    )
    assert field_errors(right) == {"email": ["이미 가입된 이메일이에요."]}
    assert User.objects.count() == 1


def test_signup_api_lists_every_fields_problem_in_details(api_client):
    response = api_client.post(
        "/api/v1/auth/signup",
        {"email": "not-an-email", "nickname": "a", "password": "1234"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "email_invalid"  # the first problem's code, as before
    assert set(body["details"]) == {"email", "nickname", "password"}
    assert "닉네임은 2~20자" in body["message"] and "비밀번호가 너무 짧아요" in body["message"]
    assert not User.objects.exists()


def test_api_input_errors_are_natural_korean(api_client):
    response = api_client.post(
        "/api/v1/auth/signup",
        {"email": "a@b.kr", "nickname": "가" * 41, "password": "s3cure-pass-9"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["nickname"] == ["40자까지 쓸 수 있어요."]
    missing = api_client.post("/api/v1/auth/signup", {}, format="json").json()
    assert missing["details"]["email"] == ["꼭 입력해 주세요."]
    assert not User.objects.exists()
