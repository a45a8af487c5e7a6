"""Failed-login limits, per account and per client address, on the login page and the API.

django-axes does the counting: its authentication backend (first in
``AUTHENTICATION_BACKENDS``) refuses every attempt, the right password included, while the
account or the address is locked, and its database handler records failures in PostgreSQL
(not Redis: logins keep working, and keep being limited, while Redis is down). This module
is the glue: which account an attempt is for (the normalized email, whichever form or API
sent it), which address (``common.net``: ``X-Forwarded-For`` only from trusted proxies) and
the refusal residents see, with when to try again.
"""

import logging
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common import ratelimit
from common.errors import DomainError
from common.net import request_client_address

logger = logging.getLogger(__name__)


def login_username(request, credentials: dict | None) -> str:
    """The account an attempt is for: the email as signup stores it (trimmed, lower-case),
    from the login form (``username``) or the token API (``email``)."""
    credentials = credentials or {}
    raw = credentials.get("email") or credentials.get("username") or ""
    return str(raw).strip().lower()[:254]


def was_locked_out(request) -> bool:
    """Whether axes refused this request's login attempt (set on the request it was given)."""
    return bool(getattr(request, "axes_locked_out", False))


def locked_until(request) -> datetime:
    """When the newest counted failure of this account or address stops counting."""
    username = login_username(request, getattr(request, "axes_credentials", None))
    address = getattr(request, "axes_ip_address", None)
    last = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=address) if username else Q(ip_address=address)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_error(request) -> DomainError:
    until = timezone.localtime(locked_until(request))
    logger.warning(
        "login refused: too many failures (client %s, until %s)",
        getattr(request, "axes_ip_address", "-"),
        until.isoformat(),
    )
    return DomainError(
        "login_locked",
        _("로그인에 너무 여러 번 실패했어요. %(time)s 이후에 다시 시도해 주세요.")
        % {"time": date_format(until, "n월 j일 H:i")},
        status=429,
        details={
            "retry_at": until.isoformat(),
            "retry_after_seconds": max(1, int((until - timezone.now()).total_seconds())),
        },
    )


def signup_rate_check(request) -> None:
    """Signup attempts per client address: past the hourly limit, 429 with when to retry."""
    wait = ratelimit.hit(
        scope="signup",
        key=request_client_address(request),
        limit=settings.SIGNUP_ATTEMPTS_PER_HOUR,
        window=3600,
    )
    if wait is not None:
        raise DomainError(
            "too_many_signups",
            _("가입 시도가 너무 많아요. %(minutes)d분 뒤에 다시 시도해 주세요.")
            % {"minutes": -(-wait // 60)},
            status=429,
            details={"retry_after_seconds": wait},
        )
