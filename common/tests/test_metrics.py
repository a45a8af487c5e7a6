"""Prometheus metrics (common/metrics.py): ``/metrics`` behind ``METRICS_TOKEN``, the app's
gauges and counters moved by the real thing (a WebSocket chat message, an SSE stream, the
outbox, a Celery task, an import), and several processes summed in one scrape."""

import json
import os
import re
import signal
import uuid
from datetime import timedelta

import pytest
import requests
from celery import shared_task
from django.utils import timezone
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.parser import text_string_to_metric_families

from chat.tests import conftest as chat_fixtures
from chat.tests.stomp_client import RawStomp
from markets.services import market_import_localdata
from notifications.models import OutboxEvent
from notifications.relay import _domain_event
from notifications.services import event_react
from parties.services import party_join
from tests.factories import UserFactory, make_party
from tests.servers import daphne, dispatcher
from tests.sse_client import SseClient
from tests.waiting import wait_for

chat_party = chat_fixtures.chat_party  # a closed party's chat: leader, member, their tokens
access_token = chat_fixtures.access_token
LIVE = "/api/v1/parties/live"
TOKEN = "metrics-token-for-tests-0123456789abcdef"
GONGGU_METRICS = {
    "gonggu_websocket_connections",
    "gonggu_sse_connections",
    "gonggu_chat_messages_stored_total",
    "gonggu_chat_messages_delivered_total",
    "gonggu_chat_delivery_seconds_count",
    "gonggu_outbox_backlog",
    "gonggu_outbox_oldest_age_seconds",
    "gonggu_dispatch_lag_seconds_count",
    "gonggu_celery_tasks_total",
    "gonggu_import_runs_total",
}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """``(sample name, labels) -> value`` of a scrape."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(server) -> dict[tuple[str, frozenset], float]:
    response = requests.get(
        f"{server.http}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return samples(response.text)


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def local(name: str, **labels: str) -> float:
    """A sample of this (the test) process's own registry."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def metrics_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), daphne(extra_env={"METRICS_TOKEN": TOKEN}) as running:
        yield running


# --- the endpoint -------------------------------------------------------------------------
def test_metrics_are_off_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.parametrize("authorization", [None, f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer"])
def test_metrics_refuse_a_missing_or_wrong_token_and_show_nothing(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"
    assert b"gonggu_" not in response.content
    assert TOKEN.encode() not in response.content


def test_metrics_with_the_token_list_every_gonggu_metric(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    names = {name for name, _labels in samples(response.content.decode())}
    assert GONGGU_METRICS - {"gonggu_sse_connections", "gonggu_celery_tasks_total",
                             "gonggu_import_runs_total"} <= names  # fmt: skip
    assert "process_cpu_seconds_total" in names  # free with one process


# --- chat and streams, through a real server ----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_chat_message_over_a_websocket_counts_stored_delivered_and_its_latency(
    metrics_server, chat_party
):
    party, tokens = chat_party["party"], chat_party["tokens"]
    before = scrape(metrics_server)
    listener = RawStomp(metrics_server.ws)
    listener.connect(tokens["leader"])
    listener.subscribe(f"/topic/party.{party.id}", "a")
    sender = RawStomp(metrics_server.ws)
    sender.connect(tokens["member"])
    open_now = scrape(metrics_server)
    assert value(open_now, "gonggu_websocket_connections") == 2

    sender.send(
        "SEND", {"destination": f"/app/party.{party.id}"}, json.dumps({"content": "지표 확인"})
    )
    assert json.loads(listener.receive().body)["content"] == "지표 확인"
    after = scrape(metrics_server)
    for name in (
        "gonggu_chat_messages_stored_total",
        "gonggu_chat_messages_delivered_total",
        "gonggu_chat_delivery_seconds_count",
    ):
        assert value(after, name) - value(before, name) == 1, name
    assert (
        value(after, "gonggu_chat_delivery_seconds_bucket", le="+Inf")
        - value(before, "gonggu_chat_delivery_seconds_bucket", le="+Inf")
        == 1
    )

    listener.close()
    sender.close()
    wait_for(
        lambda: value(scrape(metrics_server), "gonggu_websocket_connections") == 0,
        timeout=10,
        message="closed WebSockets still counted",
    )


@pytest.mark.django_db(transaction=True)
def test_an_sse_stream_counts_while_open_and_a_refused_one_never(metrics_server):
    party = make_party()
    user = UserFactory()

    def sse(stream: str) -> float:
        return value(scrape(metrics_server), "gonggu_sse_connections", stream=stream)

    refused = SseClient(metrics_server.http)  # no token: 401
    assert refused.status == 401
    assert sse("notifications") == 0

    with (
        SseClient(
            metrics_server.http, path="/api/v1/parties/live", query={"ids": party.id}
        ) as live,
        SseClient(metrics_server.http, token=access_token(user)) as inbox,
    ):
        live.wait_listening()
        inbox.wait_listening()
        assert sse("party_live") == 1
        assert sse("notifications") == 1
    wait_for(
        lambda: sse("party_live") == 0 and sse("notifications") == 0,
        timeout=10,
        message="closed streams still counted",
    )


# --- the outbox, dispatch, Celery, imports (this process's registry) ----------------------
def test_the_outbox_backlog_and_its_oldest_age_reflect_unpublished_rows(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    OutboxEvent.objects.filter(published_at__isnull=True).update(published_at=timezone.now())
    OutboxEvent.objects.create(type="party.created", payload={}, routing_key="region.x.y",
                               published_at=timezone.now())  # fmt: skip
    waiting = [
        OutboxEvent.objects.create(type="party.created", payload={}, routing_key="region.x.y")
        for _ in range(3)
    ]
    OutboxEvent.objects.filter(pk=waiting[0].pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )

    scraped = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert value(scraped, "gonggu_outbox_backlog") == 3
    assert 300 <= value(scraped, "gonggu_outbox_oldest_age_seconds") < 3600

    OutboxEvent.objects.filter(pk__in=[e.pk for e in waiting]).update(published_at=timezone.now())
    scraped = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert value(scraped, "gonggu_outbox_backlog") == 0
    assert value(scraped, "gonggu_outbox_oldest_age_seconds") == 0


@pytest.mark.django_db(transaction=True)
def test_each_dispatched_event_records_its_lag_once():
    party = make_party(capacity=3)
    before = local("gonggu_dispatch_lag_seconds_count")
    party_join(party_id=party.id, user=UserFactory())
    dispatched = OutboxEvent.objects.filter(dispatched_at__isnull=False).count()
    assert dispatched > 0
    joined = local("gonggu_dispatch_lag_seconds_count") - before
    assert joined >= 1  # party.joined (and whatever it caused)

    event_react(event=_domain_event(OutboxEvent.objects.latest("id")))  # a redelivery
    assert local("gonggu_dispatch_lag_seconds_count") - before == joined


@shared_task(name="tests.metrics.succeeds")
def succeeds() -> int:
    return 1


@shared_task(name="tests.metrics.fails")
def fails() -> None:
    raise ValueError("as planned")


def test_celery_task_outcomes_are_counted_by_task():
    ok = ("gonggu_celery_tasks_total", {"task": "tests.metrics.succeeds", "outcome": "success"})
    bad = ("gonggu_celery_tasks_total", {"task": "tests.metrics.fails", "outcome": "failure"})
    before_ok, before_bad = local(ok[0], **ok[1]), local(bad[0], **bad[1])
    succeeds.apply()
    assert fails.apply(throw=False).failed()  # as a worker runs it: the error is the outcome
    assert local(ok[0], **ok[1]) - before_ok == 1
    assert local(bad[0], **bad[1]) - before_bad == 1


def test_import_runs_are_counted_by_source_and_outcome(db):
    before = local("gonggu_import_runs_total", source="localdata", outcome="succeeded")
    market_import_localdata(rows=[])
    assert local("gonggu_import_runs_total", source="localdata", outcome="succeeded") - before == 1
    failed = local("gonggu_import_runs_total", source="localdata", outcome="failed")
    with pytest.raises(ValueError):
        market_import_localdata(rows=[], chunk_size=0)
    assert local("gonggu_import_runs_total", source="localdata", outcome="failed") - failed == 1


# --- several processes --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_processes_sum_in_one_scrape_and_a_killed_one_stops_counting(chat_party, tmp_path):
    party, tokens = chat_party["party"], chat_party["tokens"]
    shared = {"METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    with daphne(extra_env=shared) as first, daphne(extra_env=shared) as second:
        clients = []
        for server, who in ((first, "leader"), (second, "member")):
            client = RawStomp(server.ws)
            client.connect(tokens[who])
            client.send(
                "SEND",
                {"destination": f"/app/party.{party.id}", "receipt": "r"},
                json.dumps({"content": f"{who} 보냄"}),
            )
            assert client.receive().header("receipt-id") == "r"
            clients.append(client)

        scraped = scrape(first)
        assert value(scraped, "gonggu_chat_messages_stored_total") == 2
        assert value(scraped, "gonggu_websocket_connections") == 2

        os.kill(second.process.pid, signal.SIGKILL)  # no clean exit: its files stay
        second.process.wait(10)
        scraped = scrape(first)
        assert value(scraped, "gonggu_websocket_connections") == 1
        assert value(scraped, "gonggu_chat_messages_stored_total") == 2  # counts are history
        clients[0].close()


# --- the sample dashboard -----------------------------------------------------------------
def test_the_sample_dashboard_charts_every_gonggu_metric_and_nothing_else():
    from pathlib import Path

    from common import metrics

    path = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "gonggu-dashboard.json"
    dashboard = json.loads(path.read_text())
    assert dashboard["templating"]["list"][0]["type"] == "datasource"
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    charted = {
        re.sub(r"_(bucket|count|sum|total)$", "", name)
        for expr in exprs
        for name in re.findall(r"\bgonggu_\w+", expr)
    }
    defined = {
        m._name for m in vars(metrics).values() if isinstance(m, Counter | Gauge | Histogram)
    } | {"gonggu_outbox_backlog", "gonggu_outbox_oldest_age_seconds"}
    assert charted == defined


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_process_lag_and_the_outbox_backlog_show_in_a_web_scrape(settings, tmp_path):
    prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
    env = {
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "NOTIFICATIONS_PREFIX": prefix,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
        "CHANNEL_LAYER_PREFIX": prefix,
    }
    redis_url, rabbitmq_url = os.environ["REDIS_URL"], os.environ["RABBITMQ_URL"]
    settings.NOTIFICATIONS_BUS = "rabbitmq"  # events wait in the outbox for the dispatcher
    OutboxEvent.objects.filter(published_at__isnull=True).update(published_at=timezone.now())
    with daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=env) as web:
        party = make_party(capacity=3)
        party_join(party_id=party.id, user=UserFactory())
        waiting = OutboxEvent.objects.filter(published_at__isnull=True).count()
        assert waiting >= 2  # party.created, party.joined
        assert value(scrape(web), "gonggu_outbox_backlog") == waiting

        with dispatcher(rabbitmq_url=rabbitmq_url, redis_url=redis_url, extra_env=env):
            wait_for(
                lambda: (
                    value(scrape(web), "gonggu_dispatch_lag_seconds_count") >= waiting
                    and value(scrape(web), "gonggu_outbox_backlog") == 0
                ),
                timeout=30,
                message=lambda: f"dispatcher lag or empty outbox not seen: {scrape(web)}",
            )
        assert value(scrape(web), "gonggu_outbox_oldest_age_seconds") == 0
