"""The import task through the real broker: RabbitMQ carries it to a real Celery worker."""

import os
import sys
import uuid
from pathlib import Path

import pytest

from catalog.models import ImportRun, Item
from catalog.tasks import import_items
from tests import servers
from tests.fakes.public_data import FakePublicData, mafra_rows
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services("postgresql", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
]


def test_import_task_runs_on_a_celery_worker_through_rabbitmq():
    queue = f"gonggu-test-{uuid.uuid4().hex[:10]}"  # our own queue on the shared broker
    with FakePublicData(api_key="worker-key") as fake:
        fake.mafra = mafra_rows(1234)
        env = {
            **os.environ,
            **servers.test_database_env(),
            "MAFRA_API_URL": fake.url,
            "MAFRA_API_KEY": "worker-key",
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
            import_items.apply_async(args=["mafra"], queue=queue)
            wait_for(
                ImportRun.objects.filter(status="succeeded").exists,
                timeout=60,
                message=lambda: log.read_text(errors="replace")[-3000:],
            )
    run = ImportRun.objects.get()
    assert (run.source, run.created, run.pages) == ("mafra", 1234, 2)
    assert Item.objects.filter(source="mafra").count() == 1234
    assert b"catalog.import_items" in log.read_bytes()
