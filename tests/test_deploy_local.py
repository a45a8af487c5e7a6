"""The production layout of ``make deploy-local`` (deploy/local.py): nginx in front of two web
processes, the dispatcher, a Celery worker and beat, against real PostgreSQL, Redis and
RabbitMQ. A crashed process comes back on its own while the others keep serving; Ctrl-C
leaves nothing behind."""

import os
import re
import signal

import psutil
import pytest
import requests

from tests.deploy_layout import alive, answers, deploy_layout
from tests.servers import _listening
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.services("postgresql", "redis", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
]


METRICS_TOKEN = "test-metrics-token-" + "x" * 20


@pytest.fixture
def layout(transactional_db, tmp_path):
    """deploy/local.py with two web processes, a listener pinned to each."""
    with deploy_layout(tmp_path, extra_env={"METRICS_TOKEN": METRICS_TOKEN}) as running:
        yield running


def sse_gauge(scrape: str) -> float:
    """The open public live streams of the whole machine, as one scrape reports them."""
    found = re.search(r'^gonggu_sse_connections\{stream="party_live"\} (\S+)$', scrape, re.M)
    return float(found.group(1)) if found else 0.0


def test_probes_answer_and_one_scrape_counts_every_web_process(layout):
    ready = requests.get(layout.url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgresql": "ok", "redis": "ok", "rabbitmq": "ok"}
    assert requests.get(layout.url + "/metrics", timeout=10).status_code == 401

    def scrape_through_web_1() -> str:
        answer = requests.get(
            layout.pinned_url(1) + "/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200
        return answer.text

    assert "gonggu_outbox_backlog" in scrape_through_web_1()
    # A stream held by web process 2 shows in web process 1's scrape: the processes share
    # their metrics (PROMETHEUS_MULTIPROC_DIR, emptied when the layout starts).
    live = layout.pinned_url(2) + "/api/v1/parties/live?ids=1"
    with requests.get(live, stream=True, timeout=10) as stream:
        assert stream.status_code == 200
        wait_for(
            lambda: sse_gauge(scrape_through_web_1()) == 1,
            timeout=30,
            message="web process 2's open stream never showed in web process 1's scrape",
        )
    wait_for(
        lambda: sse_gauge(scrape_through_web_1()) == 0,
        timeout=30,
        message="the closed stream still counted",
    )


def test_static_files_come_from_nginx_cached_for_a_year_and_compressed(layout):
    page = requests.get(layout.url + "/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"  # a page, compressed when asked
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:2000]

    static = requests.get(
        layout.url + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert static.status_code == 200
    # nginx's header, word for word (WhiteNoise in the web process would say
    # "max-age=315360000, public, immutable"): the file did not go through daphne.
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Content-Encoding"] == "gzip"
    assert static.headers["Server"].startswith("nginx")

    # The service worker is a view at the root, revalidated on every visit, never immutable.
    worker = requests.get(layout.url + "/sw.js", timeout=10)
    assert worker.status_code == 200
    assert "no-cache" in worker.headers["Cache-Control"]
    assert "immutable" not in worker.headers["Cache-Control"]


def test_a_crashed_process_comes_back_alone_and_ctrl_c_stops_everything(layout):
    state = layout.state()
    names = list(state["processes"])
    web_1, web_2 = (f"web@{port}" for port in state["web_ports"])
    pinned_1 = f"http://127.0.0.1:{state['pinned_ports'][0]}/healthz"
    assert answers(pinned_1)
    assert answers(f"http://127.0.0.1:{state['pinned_ports'][1]}/healthz")

    # The Celery worker dies (kill -9): a new one starts, nothing else restarts.
    before = {name: layout.pid(name) for name in names}
    worker = psutil.Process(before["worker@1"])
    # The worker forks its pool once it has booted (a while on a loaded machine).
    wait_for(
        lambda: worker.children(recursive=True),
        timeout=60,
        message="the worker never started its pool processes",
    )
    pool = [child.pid for child in worker.children(recursive=True)]
    os.kill(worker.pid, signal.SIGKILL)
    wait_for(
        lambda: layout.pid("worker@1") not in (None, worker.pid) and alive(layout.pid("worker@1")),
        timeout=60,
        message=layout.output,
    )
    assert answers(layout.url + "/healthz")
    assert {name: layout.pid(name) for name in names if name != "worker@1"} == {
        name: pid for name, pid in before.items() if name != "worker@1"
    }
    assert not [pid for pid in pool if alive(pid)], "the dead worker's pool is gone too"

    # Web process 1 dies: every request through nginx is still answered (by web process 2)
    # while it is down, and it comes back on its port.
    dead = layout.pid(web_1)
    os.kill(dead, signal.SIGKILL)
    wait_for(lambda: not alive(dead), timeout=10, message="web 1 is still alive")
    served = []

    def back() -> bool:
        served.append(requests.get(layout.url + "/healthz", timeout=10).status_code)
        pid = layout.pid(web_1)
        return pid not in (None, dead) and _listening(int(web_1.split("@")[1]))

    wait_for(back, timeout=60, message=layout.output)
    assert served and set(served) == {200}, served
    wait_for(lambda: answers(pinned_1), timeout=30, message="web 1 through its pinned listener")
    assert layout.pid(web_2) == before[web_2]
    assert layout.pid("nginx") == before["nginx"]

    # Ctrl-C: the supervisor stops every process (and what each started), nginx included.
    everything = {layout.process.pid}
    for name in names:
        process = psutil.Process(layout.pid(name))
        everything |= {process.pid, *(c.pid for c in process.children(recursive=True))}
    layout.process.send_signal(signal.SIGINT)
    layout.process.wait(60)
    assert layout.process.returncode == 0, layout.output()
    assert not [pid for pid in everything if alive(pid)], layout.output()
    assert layout.state()["stopped"] is True
    assert not answers(layout.url + "/healthz")
