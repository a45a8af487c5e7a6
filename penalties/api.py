"""Penalties JSON API: what a user received, and their appeal. (Granting is a party
operation: ``parties.api.PartyPenaltyGrantApi`` at ``parties/{id}/penalties``.)"""

from datetime import datetime

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import ERROR_SCHEMA
from penalties import rules, services
from penalties.selectors import appeal_of, penalties_received


class AppealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    penalty_id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


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
    appeal = serializers.SerializerMethodField()
    appealable_until = serializers.SerializerMethodField()

    def get_revoked(self, penalty) -> bool:
        return penalty.revoked_at is not None

    @extend_schema_field(AppealOutput(allow_null=True))
    def get_appeal(self, penalty) -> dict | None:
        appeal = appeal_of(penalty)
        return AppealOutput(appeal).data if appeal else None

    def get_appealable_until(self, penalty) -> datetime:
        return rules.appeal_deadline(penalty)


class MyPenaltiesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_penalties", tags=["penalties"], responses=PenaltyOutput(many=True)
    )
    def get(self, request):
        return Response(PenaltyOutput(penalties_received(user_id=request.user.pk), many=True).data)


class PenaltyAppealApi(APIView):
    permission_classes = [IsAuthenticated]

    class AppealInput(serializers.Serializer):
        reason = serializers.CharField(max_length=services.APPEAL_REASON_MAX)

    @extend_schema(
        operation_id="penalties_appeal",
        tags=["penalties"],
        summary="받은 페널티에 이의 신청 (한 번, 받은 뒤 7일 안)",
        request=AppealInput,
        responses={
            201: AppealOutput,
            400: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample(
                "appeal",
                value={"reason": "5분 늦는다고 채팅에 남기고 도착했어요."},
                request_only=True,
            ),
            OpenApiExample(
                "twice",
                value={
                    "code": "appeal_exists",
                    "message": "이 페널티에는 이미 이의를 신청했어요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, penalty_id: int):
        data = self.AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.penalty_appeal(
            penalty_id=penalty_id, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(AppealOutput(appeal).data, status=status.HTTP_201_CREATED)
