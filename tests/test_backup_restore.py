"""The backup of README "Deploying" -> "Backups", exercised: deploy/backup.sh (what
gonggu-backup.service runs) dumps the test database with pg_dump -Fc, and pg_restore puts it
into a fresh database with the same rows; old dumps beyond the retention are deleted."""

import os
import re
import shutil
import subprocess
import time
import uuid

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from chat.models import ChatMessage, MessageType
from chat.services import chat_message_send
from notifications.models import OutboxEvent
from parties.models import Party
from parties.services import party_close, party_join
from tests import servers
from tests.factories import UserFactory, make_party
from tests.servers import ROOT

pytestmark = [
    pytest.mark.services("postgresql"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def tables() -> dict[str, str]:
    return {
        model.__name__: model._meta.db_table for model in (User, Party, ChatMessage, OutboxEvent)
    }


def major(version_output: str) -> int:
    """15 of "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    found = re.search(r"\)\s+(\d+)", version_output)
    assert found, version_output
    return int(found.group(1))


@pytest.fixture
def pg_tools():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but pg_dump/pg_restore are not installed")
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    client = major(subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout)
    server = connection.pg_version // 10000
    if client < server:
        pytest.skip(f"pg_dump {client} cannot dump a PostgreSQL {server} server")


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            name: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for name, table in tables().items()
        }


@pytest.fixture
def scratch_database():
    """An empty database beside the test one, dropped afterwards."""
    url = servers.test_database_env()["DATABASE_URL"]
    base, _, _name = url.rpartition("/")
    name = f"gonggu_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_nightly_dump_restores_into_a_fresh_database_with_the_same_rows(
    pg_tools, scratch_database, tmp_path
):
    leader, member = UserFactory(), UserFactory()
    party = make_party(leader=leader, capacity=3)
    party_join(party_id=party.id, user=member)
    party_close(party_id=party.id, user=leader)
    for n in range(3):
        chat_message_send(party_id=party.id, user=member, content=f"메시지 {n}")
    source = servers.test_database_env()["DATABASE_URL"]
    before = counts(source)
    assert before["ChatMessage"] >= 3 and before["OutboxEvent"] > 0

    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "gonggu-20000101T040000Z.dump"
    stale.write_bytes(b"an old dump")
    old = time.time() - 30 * 86400
    os.utime(stale, (old, old))
    done = subprocess.run(
        ["sh", str(ROOT / "deploy" / "backup.sh")],
        env={**os.environ, "DATABASE_URL": source, "BACKUP_DIR": str(backups)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    dumps = sorted(backups.glob("gonggu-*.dump"))
    assert len(dumps) == 1 and dumps[0] != stale, "the 30-day-old dump was deleted"
    assert not list(backups.glob(".*partial")), "no half-written file left behind"
    assert oct(dumps[0].stat().st_mode & 0o777) == "0o600"

    # The README's restore: pg_restore into a fresh database, owners as the restoring role.
    restored = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={scratch_database}",
         str(dumps[0])],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert counts(scratch_database) == before
    with psycopg.connect(scratch_database) as conn:
        texts = conn.execute(
            f'SELECT content FROM "{tables()["ChatMessage"]}"'
            " WHERE room_id = %s AND type = %s ORDER BY id",
            [party.id, MessageType.CHAT.value],
        ).fetchall()
    assert [t[0] for t in texts] == ["메시지 0", "메시지 1", "메시지 2"]
