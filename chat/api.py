"""Chat history API (members only). Live messages go over STOMP at /ws."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.selectors import chat_history
from chat.serializers import message_payload
from common.api_schema import ERROR_SCHEMA
from common.params import parse_positive_int

MESSAGE_SCHEMA = inline_serializer(
    "ChatMessage",
    {
        "id": serializers.IntegerField(),
        "party_id": serializers.IntegerField(),
        "sender": inline_serializer(
            "ChatSender",
            {"id": serializers.IntegerField(), "nickname": serializers.CharField()},
            allow_null=True,
        ),
        "content": serializers.CharField(),
        "type": serializers.ChoiceField(choices=["CHAT", "JOIN", "LEAVE", "SYSTEM"]),
        "created_at": serializers.DateTimeField(),
    },
)


class PartyMessagesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_messages",
        tags=["chat"],
        parameters=[
            OpenApiParameter("before_id", OpenApiTypes.INT, description="이 id보다 이전 메시지"),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="최대 개수 (기본 50, 최대 100)"
            ),
        ],
        responses={
            200: inline_serializer(
                "ChatHistory",
                {
                    "results": MESSAGE_SCHEMA.__class__(many=True),
                    "has_more": serializers.BooleanField(),
                },
            ),
            401: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
        },
    )
    def get(self, request, party_id: int):
        before_id = parse_positive_int(request.query_params, "before_id")
        limit = parse_positive_int(request.query_params, "limit", maximum=100, default=50)
        messages = chat_history(
            party_id=party_id, user=request.user, before_id=before_id, limit=limit + 1
        )
        has_more = len(messages) > limit
        messages = messages[-limit:]
        return Response(
            {
                "results": [message_payload(m, party_id=party_id) for m in messages],
                "has_more": has_more,
            }
        )
