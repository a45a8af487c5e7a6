"""Reports API: a signed-in resident reports a user, a party, a comment or a chat message."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import ERROR_SCHEMA
from common.params import MAX_ID
from moderation import services
from moderation.models import TargetType


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class ReportInput(serializers.Serializer):
        target_type = serializers.ChoiceField(choices=TargetType.choices)
        target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        reason = serializers.CharField(max_length=services.REASON_MAX)

    @extend_schema(
        operation_id="reports_create",
        tags=["reports"],
        summary="신고 (회원·파티·질문·채팅 메시지; 같은 대상은 처리될 때까지 한 번)",
        request=ReportInput,
        responses={
            201: ReportOutput,
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
            429: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample(
                "a message",
                value={"target_type": "message", "target_id": 42, "reason": "욕설을 했어요"},
                request_only=True,
            ),
            OpenApiExample(
                "twice",
                value={
                    "code": "report_exists",
                    "message": "이미 신고했어요. 검토가 끝나면 알려 드릴게요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request):
        data = self.ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(reporter=request.user, **data.validated_data)
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)
