"""Access-JWT helpers for the connections DRF does not authenticate (WebSocket, SSE)."""

from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User


def user_for_token_sync(token: str) -> User | AnonymousUser:
    """The active user an access JWT names, or AnonymousUser (bad, expired or unknown)."""
    try:
        # simplejwt annotates the argument as Token | None; it is the encoded JWT string.
        user_id = AccessToken(token)["user_id"]  # type: ignore[arg-type]
    except (TokenError, KeyError):
        return AnonymousUser()
    return User.objects.filter(pk=user_id, is_active=True).first() or AnonymousUser()


def bearer_token(value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else None."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
