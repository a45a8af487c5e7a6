"""Real servers for end-to-end tests: daphne processes serving config.asgi on free ports,
sharing the test database (and Redis / RabbitMQ when the test asks for them)."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_env() -> dict[str, str]:
    """Environment that points a child process at the database the tests are using."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"}
    return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}/ws"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def daphne(*, redis_url: str = "", rabbitmq_url: str = "", extra_env: dict | None = None):
    """Start ``daphne config.asgi:application`` and wait until it accepts connections."""
    port = free_port()
    env = {
        **os.environ,
        **test_database_env(),
        "REDIS_URL": redis_url,
        "RABBITMQ_URL": rabbitmq_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = ROOT / "test-artifacts" / f"daphne-{port}.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
             "config.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{server.output()}")
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start:\n{server.output()}") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def dispatcher(*, rabbitmq_url: str, redis_url: str = "", extra_env: dict | None = None):
    """Start ``manage.py dispatcher`` (outbox relay + region-queue consumer) on the test
    database; yields the process (its log is ``test-artifacts/dispatcher-<pid>.log``)."""
    env = {
        **os.environ,
        **test_database_env(),
        "REDIS_URL": redis_url,
        "RABBITMQ_URL": rabbitmq_url,
        "NOTIFICATIONS_BUS": "rabbitmq",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = ROOT / "test-artifacts" / f"dispatcher-{free_port()}.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "dispatcher"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    process.log = log
    try:
        deadline = time.monotonic() + 30
        while b"dispatcher:" not in log.read_bytes():
            if process.poll() is not None:
                raise RuntimeError(f"dispatcher exited early:\n{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("dispatcher did not start")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
