"""Parties JSON API: one view per operation, input and output serializers, errors by code."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import user_get
from common.api import page_links_response, page_window
from common.api_schema import ERROR_SCHEMA, NEAR_PARAMETERS
from common.params import parse_point, parse_positive_int, parse_text
from parties import services
from parties.selectors import (
    party_available_actions,
    party_get,
    party_get_visible,
    party_members,
    party_membership,
    party_nearby,
    user_parties,
    user_standing,
)
from penalties.api import PenaltyOutput
from penalties.models import PenaltyReason


class PartyMarketOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    road_address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()


class PartyItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category_id = serializers.IntegerField()


class PartyUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField()


class PartyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    market = PartyMarketOutput()
    item = PartyItemOutput()
    leader = PartyUserOutput()
    total_price = serializers.IntegerField()
    total_quantity = serializers.IntegerField()
    unit = serializers.CharField()
    capacity = serializers.IntegerField()
    member_count = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    share_price = serializers.IntegerField(help_text="1인당 금액: ⌈총 가격 / 정원⌉ 원")
    share_quantity = serializers.FloatField()
    meet_at = serializers.DateTimeField()
    meeting_note = serializers.CharField(help_text="만나는 곳 메모 (파티장이 바꿀 수 있어요)")
    rescheduled_at = serializers.DateTimeField(
        allow_null=True, help_text="파티장이 만나는 시각을 마지막으로 바꾼 때"
    )
    recruit_until = serializers.DateTimeField()
    created_at = serializers.DateTimeField()

    def to_representation(self, party) -> dict:
        # Hand-built: the declared fields above are the contract (and the OpenAPI schema);
        # building the dict directly is ~10x cheaper than DRF's per-field machinery, which
        # dominated the nearby API's time. A test keeps the two identical.
        market, item, leader = party.market, party.item, party.leader
        return {
            "id": party.id,
            "title": party.title,
            "description": party.description,
            "status": party.status,
            "status_label": party.status_label,
            "market": {
                "id": market.id,
                "name": market.name,
                "road_address": market.road_address,
                "lat": market.lat,
                "lng": market.lng,
            },
            "item": {"id": item.id, "name": item.name, "category_id": item.category_id},
            "leader": {"id": leader.id, "nickname": leader.nickname},
            "total_price": party.total_price,
            "total_quantity": party.total_quantity,
            "unit": party.unit,
            "capacity": party.capacity,
            "member_count": party.member_count,
            "seats_left": party.seats_left,
            "share_price": party.share_price,
            "share_quantity": party.share_quantity,
            "meet_at": _iso(party.meet_at),
            "meeting_note": party.meeting_note,
            "rescheduled_at": _iso(party.rescheduled_at) if party.rescheduled_at else None,
            "recruit_until": _iso(party.recruit_until),
            "created_at": _iso(party.created_at),
        }


def _iso(value) -> str:
    """What DRF's DateTimeField renders: ISO 8601 in the current time zone."""
    rendered = timezone.localtime(value).isoformat()
    return rendered[:-6] + "Z" if rendered.endswith("+00:00") else rendered


class NearbyPartyOutput(PartyOutput):
    distance_km = serializers.FloatField(help_text="검색 위치에서 마트까지 거리 (km)")

    def to_representation(self, party) -> dict:
        data = super().to_representation(party)
        data["distance_km"] = round(party.distance_km, 3)
        return data


class NearbyPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="다음 페이지 (없으면 null)")
    previous = serializers.URLField(allow_null=True, help_text="이전 페이지 (없으면 null)")
    results = NearbyPartyOutput(many=True)


class MemberOutput(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    nickname = serializers.CharField(source="user.nickname")
    role = serializers.CharField()
    joined_at = serializers.DateTimeField()


class PartyActionOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    code = serializers.CharField(allow_null=True, help_text="안 될 때 그 이유의 코드")
    message = serializers.CharField(allow_null=True, help_text="안 될 때 그 이유 (한국어)")


class PartyActionsOutput(serializers.Serializer):
    join = PartyActionOutput()
    leave = PartyActionOutput()
    close = PartyActionOutput()
    cancel = PartyActionOutput()
    complete = PartyActionOutput()
    withdraw = PartyActionOutput()
    reschedule = PartyActionOutput()


class PartyDetailOutput(PartyOutput):
    members = MemberOutput(many=True)
    my_role = serializers.CharField(allow_null=True)
    actions = PartyActionsOutput(help_text="요청한 사용자가 지금 할 수 있는 일과, 안 되면 그 이유")


def _detail(party, user) -> dict:
    membership = party_membership(party=party, user=user)
    data = PartyOutput(party).data
    data["members"] = MemberOutput(party_members(party=party), many=True).data
    data["my_role"] = membership.role if membership else None
    available = party_available_actions(party=party, user=user, membership=membership)
    data["actions"] = {
        action: {
            "allowed": refusal is None,
            "code": refusal.code if refusal else None,
            "message": refusal.message if refusal else None,
        }
        for action, refusal in available.items()
    }
    return data


CREATE_EXAMPLE = {
    "market_id": 1,
    "item_id": 12,
    "title": "코스트코 키친타월 나눠요",
    "description": "12롤 중 3롤씩, 주차장 입구에서 만나요.",
    "total_price": 21990,
    "total_quantity": 12,
    "unit": "롤",
    "capacity": 4,
    "meet_at": "2026-12-01T19:00:00+09:00",
    "recruit_until": "2026-12-01T12:00:00+09:00",
}


class PartyCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class PartyCreateInput(serializers.Serializer):
        market_id = serializers.IntegerField(min_value=1)
        item_id = serializers.IntegerField(min_value=1)
        title = serializers.CharField(max_length=60)
        description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        total_price = serializers.IntegerField(min_value=1, max_value=services.MAX_TOTAL_PRICE)
        total_quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
        unit = serializers.CharField(max_length=10)
        capacity = serializers.IntegerField()
        meet_at = serializers.DateTimeField()
        recruit_until = serializers.DateTimeField()

    @extend_schema(
        operation_id="parties_create",
        tags=["parties"],
        request=PartyCreateInput,
        description=(
            "파티를 만들어요 (파티장 포함 정원). 폐업·휴업으로 닫힌 마트(`closed_at`이 있는 "
            "마트)에서는 만들 수 없어요: 409 `market_closed`."
        ),
        responses={
            201: PartyDetailOutput,
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample("create", value=CREATE_EXAMPLE, request_only=True),
            OpenApiExample(
                "closed market",
                value={
                    "code": "market_closed",
                    "message": "폐업한 매장이라 새 파티를 만들 수 없어요. 다른 마트를 골라 주세요.",
                    "details": {"market_id": 12, "closed_at": "2026-11-30T09:00:00+09:00"},
                },
                response_only=True,
                status_codes=["409"],
            ),
            OpenApiExample(
                "deadline after meeting",
                value={
                    "code": "recruit_after_meet",
                    "message": "모집 마감 시각은 만나는 시각보다 늦을 수 없어요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        data = self.PartyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        party = services.party_create(leader=request.user, **data.validated_data)
        return Response(_detail(party_get(party_id=party.pk), request.user), status=201)


TRANSITION_RESPONSES = {
    200: PartyDetailOutput,
    401: ERROR_SCHEMA,
    403: ERROR_SCHEMA,
    404: ERROR_SCHEMA,
    409: ERROR_SCHEMA,
}
CONFLICT_EXAMPLE = OpenApiExample(
    "conflict",
    value={"code": "party_full", "message": "정원이 다 찼어요.", "details": {}},
    response_only=True,
    status_codes=["409"],
)


class PartyDetailApi(APIView):
    """``GET`` reads a party (anyone); ``PATCH`` is the leader's reschedule."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "PATCH" else [AllowAny()]

    class PartyRescheduleInput(serializers.Serializer):
        meet_at = serializers.DateTimeField(required=False)
        meeting_note = serializers.CharField(
            max_length=services.MEETING_NOTE_MAX, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="parties_get",
        tags=["parties"],
        responses={200: PartyDetailOutput, 404: ERROR_SCHEMA},
    )
    def get(self, request, party_id: int):
        return Response(
            _detail(party_get_visible(party_id=party_id, user=request.user), request.user)
        )

    @extend_schema(
        operation_id="parties_reschedule",
        tags=["parties"],
        summary="만나는 시각·장소 메모 바꾸기 (파티장, 만나기 전) — 멤버에게 알림",
        request=PartyRescheduleInput,
        responses={**TRANSITION_RESPONSES, 400: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "later",
                value={"meet_at": "2026-12-01T20:00:00+09:00", "meeting_note": "정문 앞"},
                request_only=True,
            )
        ],
    )
    def patch(self, request, party_id: int):
        data = self.PartyRescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.party_reschedule(party_id=party_id, user=request.user, **data.validated_data)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyNearbyApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="parties_nearby",
        tags=["parties"],
        parameters=[
            *NEAR_PARAMETERS,
            OpenApiParameter("item", OpenApiTypes.INT, description="품목 id"),
            OpenApiParameter("category", OpenApiTypes.INT, description="분류 id (하위 포함)"),
            OpenApiParameter("q", str, description="제목·품목 이름 검색어"),
            OpenApiParameter("page", OpenApiTypes.INT, description="페이지 (1부터)"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="페이지 크기 (최대 100)"),
        ],
        description="가까운 순으로 정렬한 모집 중 파티. 전체 개수는 세지 않고 "
        "`next` 링크로 다음 페이지가 있는지 알려요.",
        responses={200: NearbyPageOutput, 400: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "missing location",
                value={
                    "code": "location_required",
                    "message": "위치(lat, lng)를 보내 주세요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    def get(self, request):
        params = request.query_params
        page, page_size = page_window(request)
        parties = party_nearby(
            point=parse_point(params, required=True),
            item_id=parse_positive_int(params, "item"),
            category_id=parse_positive_int(params, "category"),
            q=parse_text(params, "q"),
            offset=(page - 1) * page_size,
            limit=page_size + 1,  # one more tells whether a next page exists
        )
        return page_links_response(
            request,
            page=page,
            has_next=len(parties) > page_size,
            results=NearbyPartyOutput(parties[:page_size], many=True).data,
        )


class PartyJoinApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_join",
        tags=["parties"],
        summary="파티 참여",
        request=None,
        responses=TRANSITION_RESPONSES,
        examples=[CONFLICT_EXAMPLE],
    )
    def post(self, request, party_id: int):
        services.party_join(party_id=party_id, user=request.user)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyLeaveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_leave",
        tags=["parties"],
        summary="파티 나가기 (모집 중에만)",
        request=None,
        responses=TRANSITION_RESPONSES,
        examples=[CONFLICT_EXAMPLE],
    )
    def post(self, request, party_id: int):
        services.party_leave(party_id=party_id, user=request.user)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    class PartyWithdrawInput(serializers.Serializer):
        reason = serializers.CharField(max_length=services.WITHDRAW_REASON_MAX)

    @extend_schema(
        operation_id="parties_withdraw",
        tags=["parties"],
        summary="못 가게 됐어요 (멤버, 모집 마감 뒤 만나기 3시간 전까지)",
        request=PartyWithdrawInput,
        responses={**TRANSITION_RESPONSES, 400: ERROR_SCHEMA},
        examples=[
            OpenApiExample("withdraw", value={"reason": "아이가 아파서요"}, request_only=True),
            OpenApiExample(
                "too late",
                value={
                    "code": "withdraw_too_late",
                    "message": "만나기 3시간 전까지만 빠질 수 있어요. "
                    "채팅으로 파티장에게 알려 주세요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, party_id: int):
        data = self.PartyWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.party_withdraw(
            party_id=party_id, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_close",
        tags=["parties"],
        summary="모집 마감 (파티장)",
        request=None,
        responses=TRANSITION_RESPONSES,
        examples=[CONFLICT_EXAMPLE],
    )
    def post(self, request, party_id: int):
        services.party_close(party_id=party_id, user=request.user)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_cancel",
        tags=["parties"],
        summary="파티 취소 (파티장)",
        request=None,
        responses=TRANSITION_RESPONSES,
        examples=[CONFLICT_EXAMPLE],
    )
    def post(self, request, party_id: int):
        services.party_cancel(party_id=party_id, user=request.user)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="parties_complete",
        tags=["parties"],
        summary="파티 완료 (파티장, 만난 뒤)",
        request=None,
        responses=TRANSITION_RESPONSES,
        examples=[CONFLICT_EXAMPLE],
    )
    def post(self, request, party_id: int):
        services.party_complete(party_id=party_id, user=request.user)
        return Response(_detail(party_get(party_id=party_id), request.user))


class PartyPenaltyGrantApi(APIView):
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
        penalty = services.party_penalty_grant(
            party_id=party_id, leader=request.user, **data.validated_data
        )
        return Response(PenaltyOutput(penalty).data, status=status.HTTP_201_CREATED)


class StandingOutput(serializers.Serializer):
    no_show_count = serializers.IntegerField(help_text="최근 90일 노쇼 페널티 (모두)")
    counted_toward_block = serializers.IntegerField(
        help_text="그중 서로 다른 파티장에게 받은 수 (같은 파티장은 한 번만): 3이면 이용 제한"
    )
    blocked_until = serializers.DateTimeField(allow_null=True)
    kept_count = serializers.IntegerField(help_text="페널티 없이 완료한 파티 수 (약속 지킴)")
    member_since = serializers.DateTimeField()


class UserProfileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField()
    sido = serializers.CharField()
    sigungu = serializers.CharField()
    date_joined = serializers.DateTimeField()
    penalty_count = serializers.IntegerField(help_text="= standing.no_show_count")
    standing = StandingOutput()


class UserProfileApi(APIView):
    """A resident's public profile and standing: what others see before joining them."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="users_get",
        tags=["users"],
        responses={200: UserProfileOutput, 404: ERROR_SCHEMA},
    )
    def get(self, request, user_id: int):
        user = user_get(user_id=user_id)
        standing = user_standing(user=user)
        return Response(
            UserProfileOutput(
                {
                    "id": user.pk,
                    "nickname": user.nickname,
                    "sido": user.sido,
                    "sigungu": user.sigungu,
                    "date_joined": user.date_joined,
                    "penalty_count": standing.no_show_count,
                    "standing": standing,
                }
            ).data
        )


class MyPartiesOutput(serializers.Serializer):
    leading = PartyOutput(many=True)
    joined = PartyOutput(many=True)
    past = PartyOutput(many=True)


class MyPartiesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_parties", tags=["me"], responses={200: MyPartiesOutput, 401: ERROR_SCHEMA}
    )
    def get(self, request):
        return Response(MyPartiesOutput(user_parties(user=request.user)).data)
