"""Markets JSON API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination
from common.api_schema import ERROR_SCHEMA, NEAR_PARAMETERS, PAGE_PARAMETERS, paginated
from common.params import parse_point, parse_text
from markets.params import home_of, parse_market_order
from markets.selectors import MarketOrder, market_get, market_list


class MarketOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    brand = serializers.CharField()
    kind = serializers.CharField()
    road_address = serializers.CharField()
    lot_address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    sido = serializers.CharField()
    sigungu = serializers.CharField()
    is_demo = serializers.BooleanField()
    closed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="LOCALDATA 가져오기에서 영업 중이 아니라고(폐업·휴업) 확인한 때. "
        "null이면 영업 중. 닫힌 마트는 목록에 나오지 않고 새 파티를 받지 않아요.",
    )
    distance_km = serializers.SerializerMethodField(
        help_text="기준 위치(lat/lng, 없으면 로그인한 사용자의 집)에서의 거리 km; "
        "기준이 없으면 null"
    )

    def get_distance_km(self, market) -> float | None:
        distance = getattr(market, "distance_km", None)
        return None if distance is None else round(distance, 3)


class MarketListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="markets_list",
        tags=["markets"],
        summary="영업 중인 마트 목록",
        description=(
            "영업 중인 마트만 나와요 (LOCALDATA에서 폐업·휴업으로 확인된 마트는 빠져요; "
            "`GET markets/{id}`로는 계속 볼 수 있어요).\n\n"
            "- `lat`·`lng`를 주면: 그 위치에서 `radius_km`(기본 10, 최대 50) 안의 마트만, "
            "가까운 순, 각각 `distance_km`.\n"
            "- 주지 않았고 로그인한 사용자에게 집 위치가 있으면: **모든** 마트를 집에서 "
            "가까운 순으로, 각각 집에서의 `distance_km` (가장 가까운 마트가 멀어도 빈 목록이 "
            "되지 않아요).\n"
            "- 둘 다 없으면 (로그인하지 않았거나 집이 없으면): 가나다 순, `distance_km`는 "
            "null.\n\n"
            "`order=name`은 기준 위치가 있어도 가나다 순으로 (거리는 그대로 붙어요), "
            "`order=distance`는 가까운 순 (기준 위치가 없으면 가나다 순)."
        ),
        parameters=[
            OpenApiParameter("q", str, description="이름·주소·브랜드 검색어"),
            *NEAR_PARAMETERS,
            OpenApiParameter(
                "order",
                OpenApiTypes.STR,
                enum=[o.value for o in MarketOrder],
                description="정렬: distance (가까운 순; 기준 위치가 있을 때 기본값) 또는 "
                "name (가나다 순; 기준 위치가 없을 때 기본값)",
            ),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated("PaginatedMarkets", MarketOutput(many=True)),
            400: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample(
                "bad radius",
                value={
                    "code": "invalid_radius",
                    "message": "반경은 0보다 크고 50km 이하여야 해요.",
                    "details": {"radius_km": 80.0, "max": 50.0},
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    def get(self, request):
        params = request.query_params
        markets = market_list(
            q=parse_text(params, "q"),
            near=parse_point(params),
            home=home_of(request.user),
            order=parse_market_order(params),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(markets, request, view=self)
        return paginator.get_paginated_response(MarketOutput(page, many=True).data)


class MarketDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="markets_get",
        tags=["markets"],
        description="마트 하나. 폐업·휴업으로 닫힌 마트도 답해요 (`closed_at`).",
        responses={200: MarketOutput, 404: ERROR_SCHEMA},
    )
    def get(self, request, market_id: int):
        return Response(MarketOutput(market_get(market_id=market_id)).data)
