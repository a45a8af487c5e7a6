"""The outbox's backlog, read when ``/metrics`` is scraped (registered in ``apps.ready``):
how many events wait to be published, and how old the oldest is. A broker that is down or a
dispatcher that stopped shows here long before a resident misses a notification."""

import logging
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from notifications.selectors import outbox_backlog

logger = logging.getLogger(__name__)


BACKLOG = ("gonggu_outbox_backlog", "Outbox events not yet published.")
OLDEST_AGE = (
    "gonggu_outbox_oldest_age_seconds",
    "Age of the oldest outbox event not yet published (0 when none waits).",
)


class OutboxCollector(Collector):
    def describe(self) -> Iterator[Metric]:
        # Without it, registering would call collect(): a query at start-up.
        yield GaugeMetricFamily(*BACKLOG)
        yield GaugeMetricFamily(*OLDEST_AGE)

    def collect(self) -> Iterator[Metric]:
        try:
            pending, oldest = outbox_backlog()
        except Exception as error:  # the database is down: the rest of the scrape still works
            logger.warning("metrics: outbox backlog unreadable: %s", error)
            return
        age = 0.0 if oldest is None else max(0.0, (timezone.now() - oldest).total_seconds())
        yield GaugeMetricFamily(*BACKLOG, value=pending)
        yield GaugeMetricFamily(*OLDEST_AGE, value=age)
