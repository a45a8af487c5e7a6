"""Redis down or blackholed: logins, signups and pages keep answering, limits stay in force,
and a request pays the cache timeout at most once (then the breaker answers at once)."""

import socket
import threading

import pytest
import requests
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.servers import daphne, free_port
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.django_db


def redis_cache_at(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


class Blackhole:
    """Accepts TCP connections and never answers: a Redis behind a dead network path."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def refused_redis(settings):
    settings.CACHES = redis_cache_at(free_port())  # nothing listens there
    yield
    cache.close()


def test_login_signup_and_profiles_work_while_redis_refuses(refused_redis, user, password):
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token", {"email": user.email, "password": password}, format="json"
    )
    assert tokens.status_code == 200, tokens.content
    assert tokens.json()["access"]
    created = client.post(
        "/api/v1/auth/signup",
        {"email": "down@example.kr", "password": "s3cure-pass-9", "nickname": "레디스없이"},
        format="json",
    )
    assert created.status_code == 201
    assert client.get(f"/api/v1/users/{user.pk}").status_code == 200
    assert client.get("/").status_code == 200


def test_limits_stay_in_force_while_redis_refuses(refused_redis, settings, user, password):
    settings.SIGNUP_ATTEMPTS_PER_HOUR = 2
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/signup",
            {"email": f"d{n}@example.kr", "password": "s3cure-pass-9", "nickname": f"다운{n}"},
            format="json",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]  # counted in this process meanwhile
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", {"email": user.email, "password": "x"}, format="json")
    locked = client.post(
        "/api/v1/auth/token", {"email": user.email, "password": password}, format="json"
    )
    assert locked.status_code == 429  # login limits never needed Redis


def test_a_blackholed_redis_is_tried_once_then_skipped(settings, user):
    hole = Blackhole()
    settings.CACHES = redis_cache_at(hole.port)
    try:
        client = APIClient()
        for _ in range(3):  # each reads the cached penalty count
            assert client.get(f"/api/v1/users/{user.pk}").status_code == 200
        # The first request waited for Redis once; the breaker answered the rest at once.
        assert len(hole.accepted) == 1
    finally:
        cache.close()
        hole.close()


@pytest.mark.services("postgresql", "redis")
@pytest.mark.django_db(transaction=True)
def test_a_real_server_logs_in_while_its_redis_is_cut(settings, password):
    import os
    from urllib.parse import urlparse

    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # as the server hashes
    user = UserFactory()
    target = urlparse(os.environ["REDIS_URL"])
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)  # never started
    with daphne(redis_url=proxy.via(os.environ["REDIS_URL"])) as server:
        response = requests.post(
            f"{server.http}/api/v1/auth/token",
            json={"email": user.email, "password": password},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        assert requests.get(f"{server.http}/", timeout=30).status_code == 200
        page = requests.get(f"{server.http}/accounts/login/", timeout=30)
        assert page.status_code == 200
