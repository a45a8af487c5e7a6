"""Security headers: the Content-Security-Policy of every page (the policy itself is in
settings, ``CONTENT_SECURITY_POLICY``), and the headers the SSE stream (a plain ASGI app,
outside Django's middleware) sends itself.

The chat's WebSocket origin (``ws(s)://<this host>``) is added to ``connect-src`` per request:
'self' does not cover WebSocket schemes in every browser, and the host is only known then.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http.request import split_domain_port, validate_host

# The SSE stream is data, never a document: nothing may load or frame it.
STREAM_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def stream_security_headers() -> list[tuple[bytes, bytes]]:
    headers = list(STREAM_HEADERS)
    if settings.SECURE_HSTS_SECONDS:
        headers.append(
            (
                b"strict-transport-security",
                f"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains".encode(),
            )
        )
    return headers


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, plus this request's own WebSocket origin in ``connect-src``."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        host = request._get_raw_host()  # validated below; get_host() would raise
        domain, _port = split_domain_port(host)
        if not report_only and domain and validate_host(domain, settings.ALLOWED_HOSTS):
            scheme = "wss" if request.is_secure() else "ws"
            update = dict(parts.update or {})
            update["connect-src"] = [*update.get("connect-src", []), f"{scheme}://{host}"]
            parts.update = update
        return parts
