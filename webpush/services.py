"""Web Push writes: subscribing a browser, unsubscribing it, and sending one notification to
one subscription (the Celery task's body)."""

import ipaddress
import json
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import DomainError
from common.once import insert_new
from notifications.kinds import label
from notifications.models import Notification, NotificationPreference
from notifications.selectors import in_quiet_hours, push_wanted
from webpush import sender
from webpush.models import PushSubscription, QuietDigest
from webpush.vapid import b64url_decode, push_enabled

logger = logging.getLogger(__name__)

ENDPOINT_MAX = 1000
USER_AGENT_MAX = 300
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _endpoint_checked(endpoint: str) -> str:
    """The push service's URL for this browser: https to a named host. Anything else would
    let a client make this server POST to an address of its choosing (an internal one)."""
    refusal = DomainError(
        "push_endpoint_invalid",
        _("푸시 구독 주소가 올바르지 않아요. 브라우저에서 알림을 다시 켜 주세요."),
        field="endpoint",
        details={"field": "endpoint"},
    )
    if not endpoint or len(endpoint) > ENDPOINT_MAX or any(c.isspace() for c in endpoint):
        raise refusal
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as error:
        raise refusal from error
    if parts.username or parts.password or not host:
        raise refusal
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and settings.WEBPUSH_ALLOW_LOOPBACK_HTTP:
        return endpoint  # a local fake push service (development, tests)
    if parts.scheme != "https" or host in LOOPBACK_HOSTS or "." not in host:
        raise refusal
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return endpoint
    raise refusal  # an address, not a push service's name


def _key_checked(value: str, *, length: int, field: str) -> str:
    refusal = DomainError(
        "push_keys_invalid",
        _("푸시 구독 키가 올바르지 않아요. 브라우저에서 알림을 다시 켜 주세요."),
        field=field,
        details={"field": field},
    )
    if not value or len(value) > 100 or set(value.rstrip("=")) - sender.B64URL_ALPHABET:
        raise refusal
    try:
        raw = b64url_decode(value.rstrip("="))
    except ValueError as error:
        raise refusal from error
    if len(raw) != length:
        raise refusal
    if field == "p256dh":
        try:  # a point on P-256, or nothing could ever be encrypted for it
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError as error:
            raise refusal from error
    return value.rstrip("=")


def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Store (or refresh) this browser's subscription for ``user``. Upsert by endpoint: a
    browser subscribing again replaces its keys, and an endpoint already stored for another
    user (a shared device, the other signed out) moves to this one."""
    if not push_enabled():
        raise DomainError(
            "push_unavailable", _("이 서버에서는 푸시 알림을 쓸 수 없어요."), status=503
        )
    endpoint = _endpoint_checked(endpoint.strip())
    p256dh = _key_checked(p256dh.strip(), length=65, field="p256dh")
    auth = _key_checked(auth.strip(), length=16, field="auth")
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:USER_AGENT_MAX],
            },
        )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> bool:
    """Forget this browser's subscription (idempotent); True when there was one. Only the
    user's own: nobody turns off someone else's device by guessing its endpoint."""
    with transaction.atomic():
        deleted, _by_model = PushSubscription.objects.filter(
            user=user, endpoint=endpoint.strip()
        ).delete()
    return deleted > 0


class PushOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # gone before sending, or the user's settings hold it
    EXPIRED = "expired"  # the push service said the subscription is gone: deleted
    RETRY = "retry"  # the push service or the network failed for now
    FAILED = "failed"  # refused for good (our request): logged, not retried


def push_payload(notification: Notification) -> dict[str, Any]:
    """What the service worker shows: ``{title, body, url, tag}``. ``tag`` is the party's,
    so a device shows one entry per party (a newer push replaces the older one there; the
    inbox keeps them all)."""
    data = notification.data or {}
    url = data.get("url") or ""
    if not url.startswith("/parties/"):
        url = "/notifications/"
    return {
        "title": f"{_('공구')} · {data.get('label') or label(notification.type)}",
        "body": data.get("message", ""),
        "url": url,
        "tag": f"party-{notification.party_id}"
        if notification.party_id
        else f"notification-{notification.pk}",
    }


# The push service says the subscription is gone (RFC 8030): it is removed.
EXPIRED_STATUSES = (404, 410)


def _send(
    subscription: PushSubscription, payload: dict[str, Any], *, urgency: str
) -> sender.SendResult:
    """Send ``payload`` to one browser now (outside any transaction: a network call); a
    subscription the push service says is gone is removed."""
    result = sender.send(
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        data=json.dumps(payload, ensure_ascii=False),
        urgency=urgency,
    )
    if result.status in EXPIRED_STATUSES:
        with transaction.atomic():
            PushSubscription.objects.filter(
                pk=subscription.pk, endpoint=subscription.endpoint
            ).delete()
        where = sender.endpoint_origin(subscription.endpoint)
        logger.info("push subscription %s expired at %s: removed", subscription.pk, where)
    return result


def push_deliver(*, notification_id: int, subscription_id: int) -> PushOutcome:
    """Send one stored notification to one subscription, now. The network call happens
    outside any transaction; its outcome is written after: the subscription's last success,
    or its deletion when the push service says it is gone (404/410)."""
    notification = Notification.objects.filter(pk=notification_id).first()
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if notification is None or subscription is None or not push_enabled():
        return PushOutcome.SKIPPED
    if subscription.user_id != notification.user_id:
        return PushOutcome.SKIPPED  # the endpoint moved to another user since
    if not push_wanted(notification=notification):
        return PushOutcome.SKIPPED
    result = _send(
        subscription, push_payload(notification), urgency=sender.urgency_of(notification.type)
    )
    where = sender.endpoint_origin(subscription.endpoint)
    if result.status in EXPIRED_STATUSES:
        return PushOutcome.EXPIRED
    if result.ok:
        with transaction.atomic():
            PushSubscription.objects.filter(pk=subscription.pk).update(
                last_success_at=timezone.now()
            )
        return PushOutcome.SENT
    if result.retryable:
        logger.warning(
            "push to subscription %s at %s failed for now: %s",
            subscription.pk,
            where,
            result.reason,
        )
        return PushOutcome.RETRY
    logger.error("push to subscription %s at %s refused: %s", subscription.pk, where, result.reason)
    return PushOutcome.FAILED


# A beat that was down still sends the morning's digest within this long after quiet hours.
DIGEST_CATCH_UP = timedelta(hours=3)


def last_quiet_period(
    preference: NotificationPreference, now: datetime
) -> tuple[datetime, datetime]:
    """(start, end) of the most recent quiet period that ended at or before ``now`` (local
    time, Asia/Seoul; a span past midnight starts the evening before)."""
    local = timezone.localtime(now)
    start, end = preference.quiet_start, preference.quiet_end
    period_end = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if period_end > local:
        period_end -= timedelta(days=1)
    period_start = period_end.replace(hour=start.hour, minute=start.minute)
    if period_start >= period_end:
        period_start -= timedelta(days=1)
    return period_start, period_end


def push_quiet_digests_send(*, now: datetime | None = None) -> int:
    """Quiet hours hold pushes; when they end, each subscribed resident who received
    notifications meanwhile and has not read them gets one push saying how many ("방해 금지
    시간 동안 알림 3개가 왔어요"), once per quiet period (``QuietDigest``'s constraint).
    Returns how many residents were told. A courtesy: a failing push service is logged, not
    retried — the inbox has every notification."""
    now = now or timezone.now()
    user_ids = sorted(set(PushSubscription.objects.values_list("user_id", flat=True)))
    preferences = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }
    told = 0
    for user_id in user_ids:
        preference = preferences.get(user_id) or NotificationPreference(user_id=user_id)
        if not preference.quiet_hours or preference.quiet_start == preference.quiet_end:
            continue
        if in_quiet_hours(preference, now):
            continue
        start, end = last_quiet_period(preference, now)
        if now - end > DIGEST_CATCH_UP:
            continue
        count = Notification.objects.filter(
            user_id=user_id, created_at__gte=start, created_at__lt=end, read_at__isnull=True
        ).count()
        if not count:
            continue
        if not insert_new(
            QuietDigest,
            ["user_id", "period_end", "count", "created_at"],
            [(user_id, end, count, now)],
            returning="user_id",
        ):
            continue  # another tick sent it
        _send_digest(user_id=user_id, count=count)
        told += 1
    return told


def _send_digest(*, user_id: int, count: int) -> None:
    payload = {
        "title": _("공구 · 방해 금지 시간 동안 온 알림"),
        "body": _("알림 %(n)d개가 왔어요. 알림함에서 확인해 보세요.") % {"n": count},
        "url": "/notifications/",
        "tag": "quiet-digest",
    }
    for subscription in PushSubscription.objects.filter(user_id=user_id):
        result = _send(subscription, payload, urgency="normal")
        if not result.ok and result.status not in EXPIRED_STATUSES:
            logger.warning(
                "quiet digest to subscription %s at %s failed: %s",
                subscription.pk,
                sender.endpoint_origin(subscription.endpoint),
                result.reason,
            )
