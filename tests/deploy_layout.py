"""The production layout of ``make deploy-local`` (deploy/local.py) started for a test: nginx
in front of web processes, the dispatcher, a Celery worker and beat, on free ports, on the
test database, with names of its own on the shared Redis and RabbitMQ, and an nginx listener
pinned to each web process (``pinned_url(n)``: everything through nginx to web process n)."""

import json
import os
import shutil
import signal
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import requests
from django.conf import settings

from tests import servers
from tests.servers import ROOT, free_port, running
from tests.waiting import wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def require_nginx() -> None:
    if not os.path.exists(NGINX):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but nginx is not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")


class Layout:
    def __init__(self, process, state_file: Path) -> None:
        self.process, self.state_file = process, state_file

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def pid(self, name: str) -> int | None:
        return self.state().get("processes", {}).get(name, {}).get("pid")

    @property
    def url(self) -> str:
        return self.state()["url"]

    def web_names(self) -> list[str]:
        return [f"web@{port}" for port in self.state()["web_ports"]]

    def pinned_url(self, n: int) -> str:
        """nginx's listener whose one upstream is web process ``n`` (1-based)."""
        return f"http://127.0.0.1:{self.state()['pinned_ports'][n - 1]}"

    def web_url(self, n: int) -> str:
        """Web process ``n`` itself, not through nginx."""
        return f"http://127.0.0.1:{self.state()['web_ports'][n - 1]}"

    def output(self) -> str:
        return self.process.log.read_text(errors="replace")[-6000:]

    def rolling_restart(self, *, timeout: float = 240) -> None:
        """SIGHUP: the supervisor restarts every process one at a time; returns once done."""
        done = self.state().get("rolling_restarts", 0) + 1
        self.process.send_signal(signal.SIGHUP)
        wait_for(
            lambda: self.state().get("rolling_restarts", 0) >= done,
            timeout=timeout,
            message=self.output,
        )


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextmanager
def deploy_layout(tmp_path: Path, *, web_processes: int = 2, extra_env: dict | None = None):
    """Run deploy/local.py (migrate and collectstatic first, as ``make deploy-local`` does)
    until it answers ``/healthz`` through nginx; yield a ``Layout``; stop it (Ctrl-C) and
    delete its Celery queue afterwards. Needs the test database (a transactional test)."""
    require_nginx()
    prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        **servers.test_database_env(),
        "CACHE_KEY_PREFIX": prefix,
        "CHANNEL_LAYER_PREFIX": prefix,
        "NOTIFICATIONS_PREFIX": prefix,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
        "CELERY_QUEUE": prefix,
        # The test process's key: the tokens a test mints (JWTs) are valid in the layout.
        "DEPLOY_LOCAL_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    state_file = tmp_path / "state.json"
    port = free_port()
    command = [
        sys.executable, "deploy/local.py", "--port", str(port),
        "--web-processes", str(web_processes), "--pinned-ports", "auto",
        "--run-dir", str(tmp_path / "run"), "--state", str(state_file),
        "--static-root", str(tmp_path / "static"),
    ]  # fmt: skip
    log = ROOT / "test-artifacts" / f"deploy-local-{port}.log"
    try:
        with running(
            "deploy/local.py",
            command,
            env=env,
            log=log,
            ready=lambda: answers(f"http://127.0.0.1:{port}/healthz"),
            timeout=240,
        ) as process:
            yield Layout(process, state_file)
    finally:
        _delete_celery_queue(prefix)


def _delete_celery_queue(name: str) -> None:
    from kombu import Connection

    with Connection(os.environ["RABBITMQ_URL"], connect_timeout=5) as connection:
        channel = connection.default_channel
        channel.queue_delete(name)
        channel.exchange_delete(name)
