"""Markets JSON API."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination
from common.api_schema import ERROR_SCHEMA, NEAR_PARAMETERS, PAGE_PARAMETERS, paginated
from common.params import parse_point, parse_text
from markets.selectors import market_get, market_list


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
    distance_km = serializers.SerializerMethodField()

    def get_distance_km(self, market) -> float | None:
        distance = getattr(market, "distance_km", None)
        return None if distance is None else round(distance, 3)


class MarketListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="markets_list",
        tags=["markets"],
        parameters=[
            OpenApiParameter("q", str, description="이름·주소·브랜드 검색어"),
            *NEAR_PARAMETERS,
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
        markets = market_list(
            q=parse_text(request.query_params, "q"), near=parse_point(request.query_params)
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(markets, request, view=self)
        return paginator.get_paginated_response(MarketOutput(page, many=True).data)


class MarketDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="markets_get",
        tags=["markets"],
        responses={200: MarketOutput, 404: ERROR_SCHEMA},
    )
    def get(self, request, market_id: int):
        return Response(MarketOutput(market_get(market_id=market_id)).data)
