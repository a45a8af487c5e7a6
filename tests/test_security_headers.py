"""Security headers: a Content-Security-Policy without inline script on every page, and the
usual headers on the SSE stream too (it is answered outside Django's middleware)."""

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.servers import daphne
from tests.sse_client import SseClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/items/", "/markets/", "/accounts/login/", "/api/docs/", "/api/v1/items", "/x/"]
)
def test_every_response_carries_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert set(directives["connect-src"]) == {"'self'", "ws://testserver"}
    assert "https://basemaps.cartocdn.com" in directives["img-src"]  # the map tiles' origin


@pytest.mark.django_db(transaction=True)
def test_the_notification_stream_sends_the_usual_security_headers(user):
    token = str(RefreshToken.for_user(user).access_token)
    with daphne() as web:
        with SseClient(web.http, token=token) as stream:
            assert stream.status == 200
            headers = {k.lower(): v for k, v in stream.headers.items()}
        refused = SseClient(web.http)
        refused_headers = {k.lower(): v for k, v in refused.headers.items()}
    for found in (headers, refused_headers):
        assert found["x-content-type-options"] == "nosniff"
        assert found["x-frame-options"] == "DENY"
        assert found["referrer-policy"] == "same-origin"
        assert found["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
