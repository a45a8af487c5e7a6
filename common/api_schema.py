"""OpenAPI pieces every app's API uses, and the schema's finishing touches.

``ERROR_SCHEMA`` is the one error shape; ``paginated(...)`` describes a counted page
(``common.api.Pagination``); ``PAGE_PARAMETERS`` its query parameters. The postprocessing
hook adds what every operation can answer and views need not repeat (400 for bad input, 401
for a bad token, 415 for a body in another format, 429 with ``Retry-After`` where limited)
and documents the notification and party-state streams, served ahead of Django (``config.asgi``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

ERROR_SCHEMA = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "details": serializers.DictField(),
    },
)

NEAR_PARAMETERS = [
    OpenApiParameter("lat", OpenApiTypes.DOUBLE, description="위도 (WGS84, 대한민국 범위)"),
    OpenApiParameter("lng", OpenApiTypes.DOUBLE, description="경도 (WGS84, 대한민국 범위)"),
    OpenApiParameter("radius_km", OpenApiTypes.DOUBLE, description="반경 km (기본 10, 최대 50)"),
]

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="페이지 (1부터)"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="페이지 크기 (기본 20, 최대 100)"),
]


def paginated(name: str, item: serializers.Serializer, **extra) -> serializers.Serializer:
    """A counted page of ``item``: ``{count, next, previous, results}`` (plus ``extra``)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
            **extra,
        },
    )


_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_JSON_ERROR = {"application/json": {"schema": _ERROR_REF}}
_DESCRIPTIONS = {
    "400": "입력값이 잘못됨 (code로 어떤 값인지)",
    "401": "로그인이 필요하거나 토큰이 잘못됨",
    "404": "찾을 수 없음",
    "415": "JSON이 아닌 본문",
    "429": "요청이 너무 많음 (Retry-After 뒤에 다시)",
}

STREAM_PATH = "/api/v1/notifications/stream"
STREAM_OPERATION = {
    "operationId": "notifications_stream",
    "tags": ["notifications"],
    "summary": "실시간 알림 (Server-Sent Events)",
    "description": (
        "`text/event-stream`. 먼저 `retry:`, 그다음 `Last-Event-ID` 헤더(또는 "
        "`?last_event_id=`) 뒤의 저장된 알림을 다시 보내고, 이후 새 알림을 `id: <알림 id>`, "
        "`event: <종류>`, `data: <JSON>`으로 보내요. 15초마다 `: keep-alive`. 실시간 전달이 "
        "끊겼을 수 있으면 서버가 스트림을 끝내요: 다시 연결하면 놓친 알림이 재전송돼요. "
        "인증: 세션 쿠키, `Authorization: Bearer`, 또는 `?token=`."
    ),
    "parameters": [
        {"name": "last_event_id", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        {"name": "token", "in": "query", "schema": {"type": "string"}},
        {"name": "Last-Event-ID", "in": "header", "schema": {"type": "integer", "minimum": 0}},
    ],
    "responses": {
        "200": {
            "description": "알림 스트림",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        "400": {"description": "Last-Event-ID가 알림 id가 아님", "content": _JSON_ERROR},
        "401": {"description": _DESCRIPTIONS["401"], "content": _JSON_ERROR},
    },
    "security": [{"jwtAuth": []}, {"cookieAuth": []}],
}

PARTY_LIVE_PATH = "/api/v1/parties/live"
PARTY_LIVE_OPERATION = {
    "operationId": "parties_live",
    "tags": ["parties"],
    "summary": "파티 상태 실시간 (Server-Sent Events)",
    "description": (
        "`text/event-stream`, 로그인 없이. 먼저 `retry:`, 그다음 요청한 파티마다 지금 상태를, "
        "이후 바뀔 때마다 바뀐 뒤의 상태를 `event: state`, `data: {party_id, status, "
        "status_label, member_count, capacity, open}`으로 보내요 (누가 참여했는지는 없어요). "
        "다시 연결하면 지금 상태부터 다시 보내요. 가린 파티는 빠져요."
    ),
    "parameters": [
        {
            "name": "ids",
            "in": "query",
            "required": True,
            "description": "파티 번호를 쉼표로 (1~100개)",
            "schema": {"type": "string"},
        },
    ],
    "responses": {
        "200": {
            "description": "파티 상태 스트림",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        "400": {"description": "ids가 파티 번호 목록이 아님 (invalid_ids)", "content": _JSON_ERROR},
    },
    "security": [{}],
}


def _add(responses: dict, status: str) -> None:
    responses.setdefault(status, {"description": _DESCRIPTIONS[status], "content": _JSON_ERROR})


def add_common_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS``)."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                _add(responses, "400")
            if operation.get("requestBody"):
                _add(responses, "415")
            # Wherever a token is read, a bad or expired one is a 401, even on open endpoints.
            if any(scheme for scheme in operation.get("security", [])):
                _add(responses, "401")
            if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
                _add(responses, "404")
            if "429" in responses:
                responses["429"].setdefault(
                    "headers",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "초"}},
                )
    result.setdefault("paths", {})[STREAM_PATH] = {"get": STREAM_OPERATION}
    result["paths"][PARTY_LIVE_PATH] = {"get": PARTY_LIVE_OPERATION}
    return result
