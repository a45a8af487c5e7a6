"""The API does what its OpenAPI schema says: schemathesis generates requests for every
operation of ``/api/schema/`` (an authenticated user; valid and invalid input) and checks that
no response is a server error, every status code is documented for its operation, and every
response matches its documented schema and content type.

The SSE streams are documented but left out here: they are not Django views (they are served
ahead of Django by the ASGI router) and never end; their own tests are in
tests/test_notifications_live.py and parties/tests/test_live.py.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import UserFactory, make_party

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture
def bearer(transactional_db) -> dict[str, str]:
    from rest_framework_simplejwt.tokens import RefreshToken

    user = UserFactory(lat=37.5559, lng=126.9105)
    make_party(leader=user)  # something to find, join and leave
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


@pytest.mark.django_db(transaction=True)
@schema.exclude(path=["/api/v1/notifications/stream", "/api/v1/parties/live"]).parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_to_the_schema(case, bearer):
    # The in-process WSGI transport hands the body over as sent and does not undo a
    # Content-Encoding; pages are gzipped for browsers that ask (GZipMiddleware), so ask for
    # the body as it is.
    headers = {**bearer, "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
