"""One push over the Web Push protocol (RFC 8030), encrypted for the browser (RFC 8291,
aes128gcm) and signed with this server's VAPID key (RFC 8292), by pywebpush. Says what
happened; it writes nothing (``services.push_deliver`` does). Never logs keys, and of an
endpoint (whose path is a capability: whoever knows it can push) only its origin."""

import string
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from common.events import EventType
from webpush.vapid import vapid_signer

B64URL_ALPHABET = set(string.ascii_letters + string.digits + "-_")

# Urgency (RFC 8030 §5.3): what cannot wait wakes a phone that saves battery; the rest may
# wait for it to be awake anyway.
HIGH_URGENCY = {EventType.PARTY_CANCELLED, EventType.PARTY_RESCHEDULED, EventType.MEETING_REMINDER}


def urgency_of(notification_type: str) -> str:
    return "high" if notification_type in HIGH_URGENCY else "normal"


def endpoint_origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class SendResult:
    status: int | None  # the push service's HTTP status; None without an answer
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        # No answer, rate limited or the service's own trouble: try again later. Other 4xx
        # are this request's fault and would fail the same way again.
        return self.status is None or self.status == 429 or self.status >= 500


def send(*, endpoint: str, p256dh: str, auth: str, data: str, urgency: str) -> SendResult:
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=data,
            vapid_private_key=vapid_signer(),
            # aud: the push service's origin, as RFC 8292 asks (pywebpush would fill it in;
            # said here so it is plain). A fresh dict: pywebpush writes exp into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT, "aud": endpoint_origin(endpoint)},
            ttl=settings.WEBPUSH_TTL_SECONDS,
            headers={"Urgency": urgency},
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
            content_encoding="aes128gcm",
        )
    except WebPushException as error:
        status = error.status_code
        return SendResult(status, f"HTTP {status}" if status else type(error).__name__)
    except requests.RequestException as error:
        return SendResult(None, type(error).__name__)
    status = getattr(response, "status_code", None)
    return SendResult(status, f"HTTP {status}")
