"""The project's wording for the messages Django and DRF write (locale/ko/LC_MESSAGES): every
form and serializer says what to do in natural Korean, not Django's stiff defaults, and the
compiled catalogue matches its source."""

import ast
import gettext
from pathlib import Path

import pytest
from django import forms
from rest_framework import serializers

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (the first form, for plural entries) of a .po file."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
            if not line:
                current, key = {}, None
            continue
        if line.startswith('"'):
            assert key is not None
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    return entries


def test_the_compiled_catalogue_matches_its_source():
    """Edit the .po, then run msgfmt (see the file's header): a stale .mo fails here."""
    source = read_po(LOCALE / "django.po")
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert source
    for msgid, msgstr in source.items():
        assert catalogue.gettext(msgid) == msgstr, msgid


class ExampleForm(forms.Form):
    title = forms.CharField(max_length=60)
    email = forms.EmailField()
    price = forms.IntegerField(min_value=1000, max_value=10_000_000)
    kind = forms.ChoiceField(choices=[("a", "가"), ("b", "나")])


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "가" * 61}, "title", "60자까지 쓸 수 있어요. 지금 61자예요."),
        ({}, "title", "꼭 입력해 주세요."),
        ({"email": "x"}, "email", "이메일 주소를 확인해 주세요. 예: name@example.kr"),
        ({"price": "5"}, "price", "1000 이상으로 입력해 주세요."),
        ({"price": "많이"}, "price", "숫자만 입력해 주세요."),
        ({"kind": "z"}, "kind", "“z”은(는) 고를 수 없어요. 목록에 있는 것 중에서 골라 주세요."),
    ],
)
def test_form_errors_read_naturally(data, field, message):
    form = ExampleForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


class ExampleInput(serializers.Serializer):
    title = serializers.CharField(max_length=60)
    capacity = serializers.IntegerField(min_value=2, max_value=20)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "가" * 61}, "title", "60자까지 쓸 수 있어요."),
        ({"title": ""}, "title", "꼭 입력해 주세요."),
        ({}, "capacity", "꼭 입력해 주세요."),
        ({"capacity": 21}, "capacity", "20 이하로 입력해 주세요."),
        ({"capacity": "두 명"}, "capacity", "숫자만 입력해 주세요."),
    ],
)
def test_api_input_errors_read_naturally(data, field, message):
    serializer = ExampleInput(data=data)
    assert not serializer.is_valid()
    assert [str(error) for error in serializer.errors[field]] == [message]


@pytest.mark.django_db
def test_an_api_refusal_names_the_field_in_korean(api_client):
    response = api_client.post(
        "/api/v1/auth/signup",
        {"email": "new@example.kr", "password": "correct horse battery", "nickname": ""},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("닉네임: ")  # not "nickname: "
    assert "nickname" in body["details"]  # the key stays for programs
