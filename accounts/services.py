"""Account writes: signup, profile and password changes, refresh tokens (rotate, revoke),
suspension."""

import re
from typing import cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import LocationPrecision, LocationSource, User
from common.errors import DomainError, NotFound
from common.events import EventType, emit
from common.geo import in_korea
from common.params import clean_text
from markets.geocoding import get_geocoder

NICKNAME_RE = re.compile(r"^[0-9A-Za-z가-힣_]{2,20}$")


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise DomainError(
            "email_invalid", _("올바른 이메일 주소를 입력해 주세요."), field="email"
        ) from None
    return email


def _email_taken() -> DomainError:
    return DomainError("email_taken", _("이미 가입된 이메일이에요."), field="email")


def _nickname_taken() -> DomainError:
    return DomainError("nickname_taken", _("이미 사용 중인 닉네임이에요."), field="nickname")


def _check_nickname_format(nickname: str) -> str:
    nickname = (nickname or "").strip()
    if not NICKNAME_RE.match(nickname):
        raise DomainError(
            "nickname_invalid",
            _("닉네임은 2~20자의 한글, 영문, 숫자, 밑줄(_)만 쓸 수 있어요."),
            field="nickname",
        )
    return nickname


def _check_nickname_free(nickname: str, *, exclude_user_id: int | None = None) -> None:
    taken = User.objects.filter(nickname__iexact=nickname)
    if exclude_user_id is not None:
        taken = taken.exclude(pk=exclude_user_id)
    if taken.exists():
        raise _nickname_taken()


def _check_nickname(nickname: str, *, exclude_user_id: int | None = None) -> str:
    nickname = _check_nickname_format(nickname)
    _check_nickname_free(nickname, exclude_user_id=exclude_user_id)
    return nickname


def user_signup_check(*, email: str, password: str, nickname: str) -> tuple[str, str]:
    """Every signup rule that reveals nothing about other people's accounts, judged at once,
    so a resident fixes every field in one round: the email's form, the nickname's form and
    whether it is free (nicknames are public on profiles, so saying one is taken tells
    nothing new), the password. Whether an email is registered is not judged here.

    Returns the normalized ``(email, nickname)``. Raises one ``DomainError`` for all the
    problems: the code and field of the first (in the form's order: email, nickname,
    password), every message joined, ``details`` mapping each field to its messages."""
    problems: list[DomainError] = []
    try:
        email = _normalize_email(email)
    except DomainError as refusal:
        problems.append(refusal)
    try:
        nickname = _check_nickname_format(nickname)
        _check_nickname_free(nickname)
    except DomainError as refusal:
        problems.append(refusal)
    try:
        _validate_password(password, User(email=email, nickname=nickname))
    except DomainError as refusal:
        problems.append(refusal)
    if problems:
        details: dict[str, list[str]] = {}
        for problem in problems:
            field = problem.field or "non_field_errors"
            details.setdefault(field, []).extend(problem.details.get(field) or [problem.message])
        first = problems[0]
        raise DomainError(
            first.code,
            " ".join(problem.message for problem in problems),
            details=details,
            field=first.field,
        )
    return email, nickname


def user_signup(*, email: str, password: str, nickname: str) -> User:
    """Create an account. The checks run in an order that reveals as little as possible about
    other people's accounts: everything else is judged first (``user_signup_check``), so
    only a complete, acceptable signup learns that an email is taken (and signups are
    rate-limited per client address, ``accounts.login_limits.signup_rate_check``)."""
    email, nickname = user_signup_check(email=email, password=password, nickname=nickname)
    if User.objects.filter(email=email).exists():
        raise _email_taken()
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, nickname=nickname)
    except IntegrityError:
        # Two signups raced past the checks above: the unique constraints decide.
        if User.objects.filter(email=email).exists():
            raise _email_taken() from None
        raise _nickname_taken() from None


def user_update_profile(
    *,
    user: User,
    nickname: str | None = None,
    address: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
    pinned_on_map: bool = False,
) -> User:
    """Change nickname and/or home. ``address`` is geocoded; ``lat``/``lng`` are taken as given
    (``pinned_on_map``: the resident placed them on the page's map).

    The home records how precise it is: an address the offline geocoder only placed at its
    district's centre is ``district`` (screens then say "대략적인 위치(구 중심)" and round
    distances); a geocoded address, a map pin or given coordinates are ``exact``.
    An empty address is refused (400 ``address_required``): nothing is saved, and the resident
    is told to type one or pick the spot on the map.

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
            raise DomainError(
                "address_required",
                _("주소를 입력하거나 지도에서 위치를 골라 주세요."),
                field="address",
            )
        result = get_geocoder().geocode(address)
        changes.update(
            address=result.road_address or address,
            lat=result.lat,
            lng=result.lng,
            sido=result.sido,
            sigungu=result.sigungu,
            location_precision=(
                LocationPrecision.DISTRICT if result.approximate else LocationPrecision.EXACT
            ),
            location_source=(
                LocationSource.KAKAO if result.source == "kakao" else LocationSource.OFFLINE
            ),
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
        changes.update(
            lat=lat,
            lng=lng,
            address="",
            sido="",
            sigungu="",
            location_precision=LocationPrecision.EXACT,
            location_source=LocationSource.MAP if pinned_on_map else LocationSource.COORDINATES,
        )
    if not changes:
        return user
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(**changes)
    except IntegrityError:
        raise _nickname_taken() from None
    for field, value in changes.items():
        setattr(user, field, value)
    return user


# --- passwords and tokens ---------------------------------------------------------------------


def _validate_password(password: str, user: User, *, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise DomainError(
            "password_invalid",
            " ".join(exc.messages),
            details={"password": exc.messages},
            field=field,
        ) from None


def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Set a new password; every refresh token of the user stops working (the other devices
    must log in again). The caller keeps the current page session alive if it wants to."""
    if not user.check_password(old_password):
        raise DomainError("wrong_password", _("지금 비밀번호가 맞지 않아요."), field="old_password")
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        auth_tokens_revoke_all(user_id=user.pk)
    return user


def auth_tokens_issue(*, user: User) -> dict[str, str]:
    """A new refresh token (recorded as outstanding, so it can be revoked) and its access."""
    refresh = RefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def _invalid_token() -> DomainError:
    return DomainError(
        "token_not_valid",
        _("로그인이 만료되었거나 취소되었어요. 다시 로그인해 주세요."),
        status=401,
    )


def _parse_refresh(raw: str) -> RefreshToken:
    """A refresh token that is well signed, unexpired and not revoked; else 401."""
    try:
        # simplejwt annotates the argument as Token | None; it is the encoded JWT string.
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise _invalid_token() from None


def _revoke(refresh: RefreshToken) -> bool:
    """Revoke this refresh token; False if it already was (used or revoked before)."""
    # get_or_create on a unique row; simplejwt annotates the result as the bare model.
    _blacklisted, created = cast(tuple[BlacklistedToken, bool], refresh.blacklist())
    return created


def auth_token_refresh(*, refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new access token and a new refresh token (rotation).

    The presented token is revoked in the same transaction; the unique blacklist row decides
    between two concurrent uses of one token, so a stolen token used after its owner (or the
    owner after the thief) gets 401 and never a second pair.
    """
    token = _parse_refresh(refresh)
    with transaction.atomic():
        user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
        if user is None:  # deleted or deactivated since the token was issued
            raise _invalid_token()
        if not _revoke(token):
            raise _invalid_token()
        return auth_tokens_issue(user=user)


def auth_logout(*, refresh: str) -> None:
    """Revoke a refresh token: from now on it gets 401 (as a token already revoked does)."""
    with transaction.atomic():
        _revoke(_parse_refresh(refresh))


def auth_tokens_revoke_all(*, user_id: int) -> int:
    """Revoke every refresh token of the user still outstanding; returns how many."""
    live = OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True)
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    return len(revoked)


def user_suspend(*, user_id: int, reason: str) -> User:
    """An admin suspends a resident: they cannot log in or connect from now on. The account
    turns inactive (sessions stop authenticating at once, access tokens are refused), every
    refresh token is revoked, and ``user.suspended``'s reactions end their open WebSocket and
    SSE connections within seconds. Idempotent."""
    reason = clean_text(reason, code="invalid_reason").strip()[:300]
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("user_not_found", _("회원을 찾을 수 없어요."))
        if user.suspended_at is None:
            user.suspended_at = timezone.now()
            user.suspension_reason = reason
            user.is_active = False
            user.save(update_fields=["suspended_at", "suspension_reason", "is_active"])
        auth_tokens_revoke_all(user_id=user.pk)
        emit(EventType.USER_SUSPENDED, payload={"user_id": user.pk})
    return user


def user_unsuspend(*, user_id: int) -> User:
    """Lift a suspension: the resident may log in again (old tokens stay revoked)."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("user_not_found", _("회원을 찾을 수 없어요."))
        if user.suspended_at is not None:
            user.suspended_at, user.suspension_reason, user.is_active = None, "", True
            user.save(update_fields=["suspended_at", "suspension_reason", "is_active"])
    return user
