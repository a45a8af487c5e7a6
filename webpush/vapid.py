"""This server's VAPID identity (RFC 8292), from the settings: whether push is on, the
public key browsers subscribe with, and the signer of each push's ``Authorization``."""

import base64
import binascii
from functools import cache

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding (browsers send it without)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def push_enabled() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_SUBJECT)


@cache
def _signer(private_key: str, public_key: str) -> tuple[Vapid, str]:
    try:
        signer = Vapid.from_string(private_key=private_key)
    except (ValueError, TypeError, binascii.Error) as error:
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY is not a P-256 private key (base64url raw or DER)"
        ) from error
    derived = b64url_encode(
        signer.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    # A public key that does not belong to the private key would make every subscription
    # fail at the push service (403): refuse it at once instead.
    if public_key and public_key.rstrip("=") != derived:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return signer, derived


def vapid_signer() -> Vapid:
    return _signer(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY)[0]


def vapid_public_key() -> str:
    """The key a browser passes to ``PushManager.subscribe`` (base64url, 65 bytes)."""
    return _signer(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY)[1]
