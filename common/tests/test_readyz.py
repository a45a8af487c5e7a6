"""``/readyz``: 200 when PostgreSQL, Redis and RabbitMQ answer; 503 naming the one that does
not (closed port, or a port that accepts and never answers), without waiting on it."""

import os
import socket
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from tests.servers import daphne, free_port

pytestmark = pytest.mark.services

GOOD_SECRET = "k8$Jd0-q9!mZr2@wVx7#pLs4^tYb6&nHc1*eFg5(uAo3)iRk-Zq7W"


def at_port(url: str, port: int) -> str:
    """``url`` with its host and port replaced, credentials and path kept."""
    parts = urlparse(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = (f"{credentials}@" if credentials else "") + f"127.0.0.1:{port}"
    return urlunparse(parts._replace(netloc=netloc))


@contextmanager
def silent_port():
    """A port that accepts connections (the kernel completes the handshake into the backlog)
    and never answers: a hung server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def not_ready(response, failed: str, state: str) -> None:
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["code"] == "not_ready"
    assert body["details"] == {"failed": [failed]}
    assert body["checks"][failed] == state
    assert failed in body["message"] and "연결할 수 없는 서비스" in body["message"]
    assert all(s == "ok" for name, s in body["checks"].items() if name != failed)


def test_ready_when_every_service_answers():
    with daphne(redis_url=os.environ["REDIS_URL"], rabbitmq_url=os.environ["RABBITMQ_URL"]) as web:
        response = requests.get(f"{web.http}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"postgresql": "ok", "redis": "ok", "rabbitmq": "ok"},
    }
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_names_redis_when_its_port_is_closed(client, settings):
    settings.REDIS_URL = at_port(os.environ["REDIS_URL"], free_port())
    not_ready(client.get("/readyz"), "redis", "unreachable")


@pytest.mark.django_db
def test_not_ready_names_rabbitmq_when_its_port_is_closed(client, settings):
    settings.RABBITMQ_URL = at_port(os.environ["RABBITMQ_URL"], free_port())
    not_ready(client.get("/readyz"), "rabbitmq", "unreachable")


@pytest.mark.django_db
@pytest.mark.parametrize("service", ["redis", "rabbitmq"])
def test_a_service_that_never_answers_is_reported_as_a_timeout(client, settings, service):
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    with silent_port() as port:
        name = f"{service.upper()}_URL"
        setattr(settings, name, at_port(os.environ[name], port))
        not_ready(client.get("/readyz"), service, "timeout")


def test_not_ready_names_postgresql_when_its_port_is_closed(django_db_setup):
    bad_database = at_port(os.environ["DATABASE_URL"], free_port())
    with daphne(
        redis_url=os.environ["REDIS_URL"],
        rabbitmq_url=os.environ["RABBITMQ_URL"],
        extra_env={"DATABASE_URL": bad_database},
    ) as web:
        response = requests.get(f"{web.http}/readyz", timeout=10)
    not_ready(response, "postgresql", "unreachable")


def test_probes_answer_over_plain_http_in_production_mode(django_db_setup):
    """nginx and systemd ask a web process directly, over HTTP: no redirect to HTTPS for the
    probes (pages still redirect)."""
    production = {
        "DJANGO_DEV_MODE": "0",
        "DJANGO_SECRET_KEY": GOOD_SECRET,
        "DJANGO_ALLOWED_HOSTS": "gonggu.kr",
        "METRICS_TOKEN": "metrics-token-for-tests-0123456789abcdef",
    }
    with daphne(
        redis_url=os.environ["REDIS_URL"],
        rabbitmq_url=os.environ["RABBITMQ_URL"],
        extra_env=production,
    ) as web:
        host = {"Host": "gonggu.kr"}
        page = requests.get(f"{web.http}/", headers=host, allow_redirects=False, timeout=10)
        assert page.status_code == 301 and page.headers["Location"].startswith("https://")
        for probe in ("/healthz", "/readyz"):
            response = requests.get(f"{web.http}{probe}", headers=host, timeout=10)
            assert response.status_code == 200, (probe, response.text)
        scrape = requests.get(
            f"{web.http}/metrics",
            headers={**host, "Authorization": f"Bearer {production['METRICS_TOKEN']}"},
            timeout=10,
        )
        assert scrape.status_code == 200 and "gonggu_websocket_connections" in scrape.text
