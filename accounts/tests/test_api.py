import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    body = {"email": "new@example.kr", "password": "s3cure-pass-9", "nickname": "망원댁"}
    body.update(overrides)
    return client.post("/api/v1/auth/signup", body, format="json")


def test_signup_creates_user_and_returns_profile(api_client):
    response = signup(api_client, email="  New@Example.KR ")
    assert response.status_code == 201
    assert response.json()["email"] == "new@example.kr"
    assert response.json()["nickname"] == "망원댁"
    assert response.json()["penalty_count"] == 0
    assert "password" not in response.json()
    user = User.objects.get(email="new@example.kr")
    assert user.check_password("s3cure-pass-9")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"email": "not-an-email"}, "email_invalid"),
        ({"nickname": "a"}, "nickname_invalid"),
        ({"nickname": "<script>"}, "nickname_invalid"),
        ({"password": "123"}, "password_invalid"),
        ({"password": "password"}, "password_invalid"),
        ({"password": "48201938475"}, "password_invalid"),
    ],
)
def test_signup_rejects_bad_input_with_code_and_writes_nothing(api_client, overrides, code):
    response = signup(api_client, **overrides)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert not User.objects.exists()


def test_signup_missing_fields_is_400_invalid(api_client):
    response = api_client.post("/api/v1/auth/signup", {"email": "a@b.kr"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["details"]) == {"password", "nickname"}
    assert not User.objects.exists()


def test_signup_rejects_malformed_json(api_client):
    response = api_client.post("/api/v1/auth/signup", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_signup_rejects_duplicate_email_regardless_of_case(api_client, user_factory):
    user_factory(email="taken@example.kr")
    response = signup(api_client, email="TAKEN@example.kr")
    assert response.status_code == 400
    assert response.json()["code"] == "email_taken"
    assert User.objects.count() == 1


def test_signup_rejects_duplicate_nickname_regardless_of_case(api_client, user_factory):
    user_factory(nickname="Apple")
    response = signup(api_client, nickname="apple")
    assert response.status_code == 400
    assert response.json()["code"] == "nickname_taken"
    assert User.objects.count() == 1


def test_token_pair_and_refresh_work(api_client, user, password):
    response = api_client.post(
        "/api/v1/auth/token", {"email": user.email.upper(), "password": password}, format="json"
    )
    assert response.status_code == 200
    tokens = response.json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get("/api/v1/me").json()["id"] == user.id

    refreshed = api_client.post(
        "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert api_client.get("/api/v1/me").json()["email"] == user.email


def test_token_rejects_wrong_password(api_client, user):
    response = api_client.post(
        "/api/v1/auth/token", {"email": user.email, "password": "wrong-one"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_refresh_rejects_garbage_token(api_client):
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": "abc"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_rejects_tampered_token(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_me_patch_sets_home_by_coordinates(auth_client, user):
    response = auth_client.patch("/api/v1/me", {"lat": 37.5559, "lng": 126.9105}, format="json")
    assert response.status_code == 200
    assert response.json()["lat"] == pytest.approx(37.5559)
    user.refresh_from_db()
    assert (user.lat, user.lng) == (pytest.approx(37.5559), pytest.approx(126.9105))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"lat": 35.68, "lng": 139.76}, "location_outside_korea"),  # Tokyo
        ({"lat": 37.5}, "location_incomplete"),
        ({"lat": "north", "lng": 127}, "invalid"),
        ({"lat": 91, "lng": 127}, "invalid"),
        ({"address": "서울 마포구", "lat": 37.5, "lng": 127.0}, "location_ambiguous"),
    ],
)
def test_me_patch_rejects_bad_location_and_keeps_old_home(auth_client, user, body, code):
    User.objects.filter(pk=user.pk).update(lat=35.1, lng=129.0)
    response = auth_client.patch("/api/v1/me", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    user.refresh_from_db()
    assert (user.lat, user.lng) == (35.1, 129.0)


def test_me_patch_geocodes_address_offline(auth_client, user):
    response = auth_client.patch(
        "/api/v1/me", {"address": "서울특별시 마포구 월드컵로 212"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["sido"] == "서울특별시"
    assert body["sigungu"] == "마포구"
    # The offline geocoder resolves to the district: Mapo-gu lies around 37.55N 126.90E.
    assert body["lat"] == pytest.approx(37.56, abs=0.05)
    assert body["lng"] == pytest.approx(126.91, abs=0.06)
    # ... and says so: every address of 마포구 lands on that one point.
    assert body["location_approximate"] is True
    assert (body["location_precision"], body["location_source"]) == ("district", "offline")


def test_me_patch_coordinates_after_an_approximate_home_make_it_exact(auth_client, user):
    auth_client.patch("/api/v1/me", {"address": "서울특별시 마포구 월드컵로 212"}, format="json")

    response = auth_client.patch("/api/v1/me", {"lat": 37.5681, "lng": 126.8973}, format="json")

    body = response.json()
    assert body["location_approximate"] is False
    assert (body["location_precision"], body["location_source"]) == ("exact", "coordinates")


@pytest.mark.parametrize("address", ["", "   "])
def test_me_patch_empty_address_is_refused_and_keeps_home(auth_client, user, address):
    User.objects.filter(pk=user.pk).update(lat=35.1, lng=129.0, address="부산 어딘가")

    response = auth_client.patch("/api/v1/me", {"address": address}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "address_required"
    assert response.json()["message"] == "주소를 입력하거나 지도에서 위치를 골라 주세요."
    user.refresh_from_db()
    assert (user.address, user.lat, user.lng) == ("부산 어딘가", 35.1, 129.0)


def test_me_patch_unknown_address_is_400_and_keeps_home(auth_client, user):
    User.objects.filter(pk=user.pk).update(lat=35.1, lng=129.0, address="부산 어딘가")
    response = auth_client.patch("/api/v1/me", {"address": "qwerty 없는 주소"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_found"
    user.refresh_from_db()
    assert user.address == "부산 어딘가"


def test_me_patch_nickname_change_and_conflict(auth_client, user, user_factory):
    user_factory(nickname="먼저씀")
    assert (
        auth_client.patch("/api/v1/me", {"nickname": "먼저씀"}, format="json").json()["code"]
        == "nickname_taken"
    )
    response = auth_client.patch("/api/v1/me", {"nickname": "새이름"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.nickname == "새이름"


def test_public_profile_hides_private_fields(api_client, user):
    user.address, user.lat, user.lng, user.sido, user.sigungu = (
        "서울 마포구 월드컵로 212",
        37.55,
        126.9,
        "서울특별시",
        "마포구",
    )
    user.save()
    response = api_client.get(f"/api/v1/users/{user.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["nickname"] == user.nickname
    assert body["penalty_count"] == 0
    assert body["sigungu"] == "마포구"
    for private in ("email", "address", "lat", "lng"):
        assert private not in body


def test_public_profile_unknown_user_is_404_with_code(api_client, db):
    response = api_client.get("/api/v1/users/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "user_not_found"
