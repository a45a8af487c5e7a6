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
    # -v 0: no daphne access log (its lines hold query strings, ?token= included); the
    # application writes its own (common.access), as in production.
    command = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port),
               "config.asgi:application"]  # fmt: skip
    with running("daphne", command, env=env, log=log, ready=lambda: _listening(port)) as process:
        yield Server(process, port, log)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
    except OSError:
        return False
    return True


@contextmanager
def running(name: str, command: list[str], *, env: dict, log: Path, ready, timeout: float = 30):
    """Run ``command`` from the project root with its output in ``log``; yield the process
    once ``ready()`` is true; terminate it on exit. Fails with the log if it exits early or is
    not ready in time."""
    log.parent.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    process.log = log
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield process
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
    command = [sys.executable, "manage.py", "dispatcher"]
    with running(
        "dispatcher", command, env=env, log=log, ready=lambda: b"dispatcher:" in log.read_bytes()
    ) as process:
        yield process
