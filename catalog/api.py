"""Catalog JSON API: item search and categories."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import category_list, item_get, item_search
from common.api import Pagination
from common.api_schema import ERROR_SCHEMA, PAGE_PARAMETERS, paginated
from common.params import parse_positive_int, parse_text


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
            OpenApiParameter("q", str, description="품목 이름 부분 검색 (예: 사과, 화장지)"),
            OpenApiParameter("category", OpenApiTypes.INT, description="분류 id (하위 분류 포함)"),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated("PaginatedItems", ItemOutput(many=True)),
            400: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
        },
    )
    def get(self, request):
        items = item_search(
            q=parse_text(request.query_params, "q"),
            category_id=parse_positive_int(request.query_params, "category"),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ItemOutput(page, many=True).data)


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
