"""Catalog JSON API: item search and categories."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import category_list, item_get, item_search_page, item_search_pages
from common.api import FetchedPagination
from common.api_schema import ERROR_SCHEMA, PAGE_PARAMETERS, paginated
from common.params import parse_point, parse_positive_int, parse_text

SUGGESTIONS = 8
SEARCH_DESCRIPTION = (
    "검색어: 낱말마다 모두 맞는 품목 (순서·띄어쓰기 상관없음). 이름, 제조사, 분류, 동의어"
    "(휴지→화장지), 초성(ㅎㅈㅈ)으로 찾아요. 정확히 같은 이름 > 이름이 검색어로 시작 > 이름에 "
    "모든 낱말 > 제조사·분류·동의어로 찾은 순서예요."
)
NEAR_PARAMETERS = [
    OpenApiParameter(
        "lat",
        OpenApiTypes.DOUBLE,
        description="위도: 주면 같은 순위끼리 근처에서 모집 중인 파티가 많은 품목 먼저",
    ),
    OpenApiParameter("lng", OpenApiTypes.DOUBLE, description="경도 (lat과 함께)"),
    OpenApiParameter("radius_km", OpenApiTypes.DOUBLE, description="근처의 반경 (기본 10km)"),
]


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    key = serializers.CharField()
    depth = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)


class ItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = CategoryOutput()
    barcode = serializers.CharField()
    maker = serializers.CharField()
    # DRF takes declared fields off the class; the stubs see this shadow Field.source.
    source = serializers.CharField()  # type: ignore[assignment]


class ItemListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="items_list",
        tags=["items"],
        parameters=[
            OpenApiParameter("q", str, description=SEARCH_DESCRIPTION),
            OpenApiParameter("category", OpenApiTypes.INT, description="분류 id (하위 분류 포함)"),
            *NEAR_PARAMETERS,
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated(
                "PaginatedItems",
                ItemOutput(many=True),
                count_capped=serializers.BooleanField(
                    help_text="true: 1,000개 넘게 찾았어요 (count는 1000; 낱말을 더해 좁혀요)"
                ),
            ),
            400: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
        },
    )
    def get(self, request):
        q = parse_text(request.query_params, "q")
        category_id = parse_positive_int(request.query_params, "category")
        near = parse_point(request.query_params)
        search = item_search_pages(q=q, category_id=category_id, near=near)
        paginator = FetchedPagination()
        page = paginator.paginate_queryset(lambda offset, limit: search(offset, limit), request)
        return paginator.get_paginated_response(ItemOutput(page, many=True).data)


class ItemSuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField(source="category.key")


class ItemSuggestApi(APIView):
    """As-you-type suggestions: the first few results of the same search, no count."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="items_suggest",
        tags=["items"],
        parameters=[
            OpenApiParameter("q", str, description=SEARCH_DESCRIPTION, required=True),
            *NEAR_PARAMETERS,
        ],
        responses={200: ItemSuggestionOutput(many=True), 400: ERROR_SCHEMA},
    )
    def get(self, request):
        q = parse_text(request.query_params, "q")
        near = parse_point(request.query_params)
        if not q:
            return Response([])
        items = item_search_page(q=q, near=near, limit=SUGGESTIONS, counted=False).items
        return Response(ItemSuggestionOutput(items, many=True).data)


class ItemDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="items_get", tags=["items"], responses={200: ItemOutput, 404: ERROR_SCHEMA}
    )
    def get(self, request, item_id: int):
        return Response(ItemOutput(item_get(item_id=item_id)).data)


class CategoryListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="categories_list",
        tags=["items"],
        responses={200: CategoryOutput(many=True)},
    )
    def get(self, request):
        return Response(CategoryOutput(category_list(), many=True).data)
