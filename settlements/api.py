"""Settlement API, under the party: the bill (GET for members, POST and PATCH for the
leader), a member's "paid", the leader's "confirm"."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import ERROR_SCHEMA
from common.params import MAX_ID
from settlements import services
from settlements.banks import bank_choices
from settlements.selectors import SettlementView, settlement_get

MAX_TOTAL = 300_000_000  # three times the largest party total: past it, input is nonsense


class ShareOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    nickname = serializers.CharField(source="user.nickname")
    amount = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "paid", "confirmed"])


class AccountOutput(serializers.Serializer):
    bank = serializers.CharField()
    bank_name = serializers.CharField()
    account_number = serializers.CharField(allow_null=True, help_text="완료 30일 뒤 지워져요")
    account_masked = serializers.CharField()
    account_holder = serializers.CharField(allow_null=True)


class LinksOutput(serializers.Serializer):
    toss = serializers.CharField(allow_null=True, help_text="supertoss://send … (보낼 게 있을 때)")
    kakaopay = serializers.CharField(allow_null=True)


class SettlementOutput(serializers.Serializer):
    party_id = serializers.IntegerField()
    actual_total = serializers.IntegerField()
    planned_total = serializers.IntegerField()
    shares = ShareOutput(many=True)
    my_amount = serializers.IntegerField(allow_null=True)
    my_status = serializers.CharField(allow_null=True)
    unpaid_user_ids = serializers.ListField(child=serializers.IntegerField())
    completed = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    account = AccountOutput()
    links = LinksOutput()


def _output(view: SettlementView) -> dict[str, Any]:
    s, mine = view.settlement, view.my_share
    return SettlementOutput(
        {
            "party_id": s.party_id,
            "actual_total": s.actual_total,
            "planned_total": s.planned_total,
            "shares": view.shares,
            "my_amount": mine.amount if mine else None,
            "my_status": mine.status if mine else None,
            "unpaid_user_ids": [share.user_id for share in view.unpaid],
            "completed": view.completed,
            "created_at": s.created_at,
            "account": view.account,
            "links": view.links,
        }
    ).data


RESPONSES = {
    200: SettlementOutput,
    400: ERROR_SCHEMA,
    401: ERROR_SCHEMA,
    403: ERROR_SCHEMA,
    404: ERROR_SCHEMA,
    409: ERROR_SCHEMA,
}
BILL_EXAMPLE = {
    "actual_total": 21990,
    "bank": "kakaobank",
    "account_number": "3333-01-1234567",
    "account_holder": "김공구",
    "kakaopay_link": "https://qr.kakaopay.com/Ej7abc123",
}


class SettlementApi(APIView):
    """``GET`` for the party's members; ``POST`` (bill) and ``PATCH`` (correct) for its
    leader."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    class BillInput(serializers.Serializer):
        actual_total = serializers.IntegerField(max_value=MAX_TOTAL)
        bank = serializers.ChoiceField(choices=bank_choices())
        account_number = serializers.CharField(max_length=30)
        account_holder = serializers.CharField(max_length=30)
        kakaopay_link = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class CorrectInput(BillInput):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, partial=True, **kwargs)

    @extend_schema(
        operation_id="settlement_get",
        tags=["settlements"],
        summary="정산 보기 (그 파티 멤버만: 계좌는 멤버에게만)",
        responses=RESPONSES,
    )
    def get(self, request, party_id: int):
        return Response(_output(settlement_get(party_id=party_id, user=request.user)))

    @extend_schema(
        operation_id="settlement_create",
        tags=["settlements"],
        summary="정산 요청 (파티장, 모집 마감 뒤 한 번)",
        request=BillInput,
        responses={**RESPONSES, 201: SettlementOutput},
        examples=[OpenApiExample("bill", value=BILL_EXAMPLE, request_only=True)],
    )
    def post(self, request, party_id: int):
        data = self.BillInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.settlement_create(party_id=party_id, user=request.user, **data.validated_data)
        view = settlement_get(party_id=party_id, user=request.user)
        return Response(_output(view), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="settlement_correct",
        tags=["settlements"],
        summary="정산 고치기 (파티장, 아무도 보내기 전)",
        request=CorrectInput,
        responses=RESPONSES,
    )
    def patch(self, request, party_id: int):
        data = self.CorrectInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.settlement_update(party_id=party_id, user=request.user, **data.validated_data)
        return Response(_output(settlement_get(party_id=party_id, user=request.user)))


class SharePaidApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="settlement_paid",
        tags=["settlements"],
        summary="보냈어요 (멤버) — 파티장에게 알림",
        request=None,
        responses=RESPONSES,
    )
    def post(self, request, party_id: int):
        services.share_mark_paid(party_id=party_id, user=request.user)
        return Response(_output(settlement_get(party_id=party_id, user=request.user)))


class ShareConfirmApi(APIView):
    permission_classes = [IsAuthenticated]

    class ConfirmInput(serializers.Serializer):
        user_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    @extend_schema(
        operation_id="settlement_confirm",
        tags=["settlements"],
        summary="받았어요 (파티장) — 멤버에게 알림; 현금이면 바로",
        request=ConfirmInput,
        responses=RESPONSES,
        examples=[OpenApiExample("confirm", value={"user_id": 7}, request_only=True)],
    )
    def post(self, request, party_id: int):
        data = self.ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.share_confirm(
            party_id=party_id, user=request.user, member_id=data.validated_data["user_id"]
        )
        return Response(_output(settlement_get(party_id=party_id, user=request.user)))
