"""Account reads."""

from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import DomainError, NotFound, PermissionDenied


def user_get(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("user_not_found", _("회원을 찾을 수 없어요."))
    return user


def user_nickname(*, user_id: int) -> str:
    """The user's nickname ("" for a user that no longer exists)."""
    return User.objects.filter(pk=user_id).values_list("nickname", flat=True).first() or ""


def login_refusal_for(*, email: str, password: str) -> DomainError | None:
    """After a failed login: the right password of a suspended account is told so (instead
    of "wrong password"); anything else is None."""
    user = User.objects.filter(email__iexact=email.strip(), suspended_at__isnull=False).first()
    if user is not None and user.check_password(password):
        return PermissionDenied(
            "account_suspended",
            _("이용이 정지된 계정이에요. 문의는 고객센터로 해 주세요."),
        )
    return None
