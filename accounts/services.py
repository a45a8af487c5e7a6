"""Account writes: signup and profile changes."""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import DomainError
from common.geo import in_korea
from markets.geocoding import get_geocoder

NICKNAME_RE = re.compile(r"^[0-9A-Za-z가-힣_]{2,20}$")


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise DomainError("email_invalid", _("올바른 이메일 주소를 입력해 주세요.")) from None
    return email


def _check_nickname(nickname: str, *, exclude_user_id: int | None = None) -> str:
    nickname = (nickname or "").strip()
    if not NICKNAME_RE.match(nickname):
        raise DomainError(
            "nickname_invalid",
            _("닉네임은 2~20자의 한글, 영문, 숫자, 밑줄(_)만 쓸 수 있어요."),
        )
    taken = User.objects.filter(nickname__iexact=nickname)
    if exclude_user_id is not None:
        taken = taken.exclude(pk=exclude_user_id)
    if taken.exists():
        raise DomainError("nickname_taken", _("이미 사용 중인 닉네임이에요."))
    return nickname


def user_signup(*, email: str, password: str, nickname: str) -> User:
    email = _normalize_email(email)
    nickname = _check_nickname(nickname)
    if User.objects.filter(email=email).exists():
        raise DomainError("email_taken", _("이미 가입된 이메일이에요."))
    try:
        validate_password(password, user=User(email=email, nickname=nickname))
    except DjangoValidationError as exc:
        raise DomainError(
            "password_invalid", " ".join(exc.messages), details={"password": exc.messages}
        ) from None
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, nickname=nickname)
    except IntegrityError:
        # Two signups raced past the checks above: the unique constraints decide.
        if User.objects.filter(email=email).exists():
            raise DomainError("email_taken", _("이미 가입된 이메일이에요.")) from None
        raise DomainError("nickname_taken", _("이미 사용 중인 닉네임이에요.")) from None


def user_update_profile(
    *,
    user: User,
    nickname: str | None = None,
    address: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> User:
    """Change nickname and/or home. ``address`` is geocoded; ``lat``/``lng`` are taken as given.

    Geocoding happens before the transaction so a slow geocoder never holds a row lock.
    """
    changes: dict[str, object] = {}
    if nickname is not None:
        changes["nickname"] = _check_nickname(nickname, exclude_user_id=user.pk)
    if address is not None and (lat is not None or lng is not None):
        raise DomainError("location_ambiguous", _("주소와 좌표 중 하나만 보내 주세요."), details={})
    if address is not None:
        address = address.strip()
        if not address:
            changes.update(address="", lat=None, lng=None, sido="", sigungu="")
        else:
            result = get_geocoder().geocode(address)
            changes.update(
                address=result.road_address or address,
                lat=result.lat,
                lng=result.lng,
                sido=result.sido,
                sigungu=result.sigungu,
            )
    elif lat is not None or lng is not None:
        if lat is None or lng is None:
            raise DomainError("location_incomplete", _("위도와 경도를 함께 보내 주세요."))
        if not in_korea(lat, lng):
            raise DomainError(
                "location_outside_korea",
                _("대한민국 안의 위치만 설정할 수 있어요."),
                details={"lat": lat, "lng": lng},
            )
        changes.update(lat=lat, lng=lng, address="", sido="", sigungu="")
    if not changes:
        return user
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(**changes)
    except IntegrityError:
        raise DomainError("nickname_taken", _("이미 사용 중인 닉네임이에요.")) from None
    for field, value in changes.items():
        setattr(user, field, value)
    return user
