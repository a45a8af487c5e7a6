"""Penalties JSON API: a leader grants; a user lists what they received."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import ERROR_SCHEMA
from penalties.models import PenaltyReason
from penalties.selectors import penalties_received
from penalties.services import penalty_grant


class PenaltyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    party_id = serializers.IntegerField()
    party_title = serializers.CharField(source="party.title")
    user_id = serializers.IntegerField()
    given_by_id = serializers.IntegerField()
    reason = serializers.CharField()
    reason_label = serializers.CharField(source="get_reason_display")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    revoked = serializers.SerializerMethodField()

    def get_revoked(self, penalty) -> bool:
        return penalty.revoked_at is not None


class PenaltyGrantApi(APIView):
    permission_classes = [IsAuthenticated]

    class PenaltyGrantInput(serializers.Serializer):
        user_id = serializers.IntegerField(min_value=1)
        reason = serializers.ChoiceField(choices=PenaltyReason.choices)
        note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(
        operation_id="penalties_grant",
        tags=["penalties"],
        summary="약속에 오지 않은 멤버에게 페널티 (파티장, 만난 시각 이후 7일 안)",
        request=PenaltyGrantInput,
        responses={
            201: PenaltyOutput,
            400: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample("no-show", value={"user_id": 7, "reason": "no_show"}, request_only=True),
            OpenApiExample(
                "already given",
                value={
                    "code": "penalty_exists",
                    "message": "이미 이 멤버에게 페널티를 줬어요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, party_id: int):
        data = self.PenaltyGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = penalty_grant(party_id=party_id, leader=request.user, **data.validated_data)
        return Response(PenaltyOutput(penalty).data, status=status.HTTP_201_CREATED)


class MyPenaltiesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_penalties", tags=["penalties"], responses=PenaltyOutput(many=True)
    )
    def get(self, request):
        return Response(PenaltyOutput(penalties_received(user_id=request.user.pk), many=True).data)
