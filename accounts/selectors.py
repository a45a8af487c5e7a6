"""Account reads."""

from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotFound


def user_get(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("user_not_found", _("회원을 찾을 수 없어요."))
    return user


def user_nickname(*, user_id: int) -> str:
    """The user's nickname ("" for a user that no longer exists)."""
    return User.objects.filter(pk=user_id).values_list("nickname", flat=True).first() or ""
