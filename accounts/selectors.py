"""Account reads."""

from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotFound


def user_get(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("user_not_found", _("회원을 찾을 수 없어요."))
    return user
