"""Optional error reporting to Sentry (``SENTRY_DSN``; off when unset).

No personal data (``send_default_pii=False``: no cookies, no user details, no client
address), no request bodies (a login's password), and every event, breadcrumbs and frame
variables included, through the logs' redaction (``common.logs.redact``): a URL with an API
key in its path or a token in its query comes out as ``[REDACTED]``.
"""

from typing import Any

from common.logs import redact_value

# Request headers never sent, whatever Sentry's own list says.
_DROPPED_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-csrftoken", "x-api-key"})


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: drop credentials' headers and cookies, redact every string."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in _DROPPED_HEADERS
            }
    extra = event.get("extra")
    if isinstance(extra, dict):
        extra.pop("sys.argv", None)  # a command line may carry a secret as an argument
    return redact_value(event)


def init_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
    )
