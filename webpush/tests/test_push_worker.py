"""The push task through the real broker: RabbitMQ carries it to a real Celery worker, which
signs, encrypts and sends it to the (local, fake) push service."""

import os
import sys
import uuid
from pathlib import Path

import pytest

from notifications.models import Notification, NotificationPreference
from tests import servers
from tests.factories import UserFactory
from tests.waiting import wait_for
from webpush.models import PushSubscription
from webpush.services import push_subscribe
from webpush.tasks import push_send

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services("postgresql", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_sends_the_push_and_records_the_success(push_service, settings):
    resident = UserFactory()
    # The worker runs on the real clock: no quiet hours for this resident.
    NotificationPreference.objects.create(user=resident, quiet_hours=False)
    browser = push_service.subscribe()
    subscription = push_subscribe(
        user=resident,
        endpoint=browser["endpoint"],
        p256dh=browser["keys"]["p256dh"],
        auth=browser["keys"]["auth"],
    )
    notification = Notification.objects.create(
        user=resident,
        event_id=1,
        type="party.closed",
        party_id=7,
        data={"message": "모집이 마감됐어요: 사과 한 박스", "url": "/parties/7/"},
    )
    queue = f"gonggu-test-{uuid.uuid4().hex[:10]}"  # our own queue on the shared broker
    env = {
        **os.environ,
        **servers.test_database_env(),
        "VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY,  # the key the fake expects
        "VAPID_SUBJECT": settings.VAPID_SUBJECT,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    log = ROOT / "test-artifacts" / f"celery-{queue}.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
               "--pool", "solo", "--without-heartbeat", "--without-gossip",
               "--without-mingle", "-l", "INFO"]  # fmt: skip
    with servers.running(
        "celery worker", command, env=env, log=log, timeout=60,
        ready=lambda: b"ready." in log.read_bytes(),
    ):  # fmt: skip
        push_send.apply_async(args=[notification.id, subscription.id], queue=queue)
        wait_for(
            PushSubscription.objects.filter(last_success_at__isnull=False).exists,
            timeout=60,
            message=lambda: log.read_text(errors="replace")[-3000:],
        )
    [push] = push_service.received_by(browser)
    assert push.message == {
        "title": "공구 · 모집 마감",
        "body": "모집이 마감됐어요: 사과 한 박스",
        "url": "/parties/7/",
        "tag": "party-7",
    }
    assert b"webpush.send" in log.read_bytes()
    # Nothing secret in the worker's log: not the endpoint's path, not the keys.
    text = log.read_text(errors="replace")
    assert browser["endpoint"] not in text and browser["keys"]["auth"] not in text
