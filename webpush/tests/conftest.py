from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from notifications import selectors
from tests.fakes.push_service import FakePushService, _b64url


@pytest.fixture
def vapid(settings):
    """A VAPID keypair of this test's own (the server's identity towards push services)."""
    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    settings.VAPID_PRIVATE_KEY = _b64url(scalar.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:push-test@gonggu.kr"
    settings.WEBPUSH_ALLOW_LOOPBACK_HTTP = True
    from webpush.vapid import vapid_public_key

    return vapid_public_key()


@pytest.fixture
def push_service(vapid):
    with FakePushService(application_server_key=vapid) as fake:
        yield fake


@pytest.fixture
def celery_eager():
    """Tasks run in this process as they are queued (the worker's path is tested apart)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """Pushes wait out the residents' quiet hours (by default 22:00–08:00 in Seoul): in this
    process, these tests deliver at noon whatever the clock says. (A test that means the
    quiet hours sets its own ``push_wanted``; the worker test, another process, turns the
    resident's quiet hours off.)"""
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    wanted = selectors.push_wanted

    def at_noon(*, notification, at=None):
        return wanted(notification=notification, at=at or noon)

    monkeypatch.setattr("webpush.services.push_wanted", at_noon)
