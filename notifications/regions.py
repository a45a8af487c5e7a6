"""Region-based routing on the event exchange: one routing key per market 시도/시군구, one
durable queue per 시도 (declared as regions appear). Names carry ``NOTIFICATIONS_PREFIX`` so
deployments (and test runs) sharing a broker never see each other's events."""

from django.conf import settings

UNKNOWN = "unknown"


def exchange() -> str:
    return f"{settings.NOTIFICATIONS_PREFIX}.events"


def region_part(name: str) -> str:
    # Topic routing keys are dot-separated words: keep a region name one word.
    cleaned = "_".join((name or "").replace(".", " ").split())
    return cleaned or UNKNOWN


def routing_key(sido: str, sigungu: str) -> str:
    """``region.<시도>.<시군구>``, e.g. ``region.서울특별시.강남구``."""
    return f"region.{region_part(sido)}.{region_part(sigungu)}"


def region_of(key: str) -> str:
    """The 시도 part of a routing key."""
    parts = key.split(".")
    return parts[1] if len(parts) > 1 else UNKNOWN


def region_queue(sido_part: str) -> str:
    return f"{settings.NOTIFICATIONS_PREFIX}.region.{sido_part}"


def region_binding(sido_part: str) -> str:
    return f"region.{sido_part}.#"


def queue_arguments() -> dict:
    """``x-expires`` when configured (test runs), so unused queues do not pile up."""
    expires = settings.NOTIFICATIONS_QUEUE_EXPIRES_MS
    return {"x-expires": expires} if expires else {}
