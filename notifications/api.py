"""Favorites and the notification inbox, JSON API. The live stream is ``notifications.stream``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination
from common.api_schema import ERROR_SCHEMA, PAGE_PARAMETERS, paginated
from common.params import parse_flag
from notifications import services
from notifications.kinds import GROUPS, KINDS
from notifications.selectors import (
    favorites_of,
    notification_preference,
    notifications_for,
    unread_count,
)


class FavoriteMarketOutput(serializers.Serializer):
    id = serializers.IntegerField(source="market.id")
    name = serializers.CharField(source="market.name")
    road_address = serializers.CharField(source="market.road_address")
    sido = serializers.CharField(source="market.sido")
    sigungu = serializers.CharField(source="market.sigungu")
    favorited_at = serializers.DateTimeField(source="created_at")


class FavoriteItemOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    name = serializers.CharField(source="item.name")
    category = serializers.CharField(source="item.category.name")
    favorited_at = serializers.DateTimeField(source="created_at")


class FavoritesOutput(serializers.Serializer):
    markets = FavoriteMarketOutput(many=True)
    items = FavoriteItemOutput(many=True)


FAVORITE_STATE = inline_serializer("FavoriteState", {"favorited": serializers.BooleanField()})


class MyFavoritesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_favorites", tags=["favorites"], responses=FavoritesOutput)
    def get(self, request):
        return Response(FavoritesOutput(favorites_of(user_id=request.user.pk)).data)


class MarketFavoriteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="market_favorite_add",
        tags=["favorites"],
        request=None,
        summary="마트 찜하기 (여러 번 해도 한 번)",
        responses={201: FAVORITE_STATE, 401: ERROR_SCHEMA, 404: ERROR_SCHEMA},
    )
    def post(self, request, market_id: int):
        services.favorite_market_add(user=request.user, market_id=market_id)
        return Response({"favorited": True}, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="market_favorite_remove",
        tags=["favorites"],
        summary="마트 찜 해제 (여러 번 해도 한 번)",
        responses={200: FAVORITE_STATE, 401: ERROR_SCHEMA},
    )
    def delete(self, request, market_id: int):
        services.favorite_market_remove(user=request.user, market_id=market_id)
        return Response({"favorited": False})


class ItemFavoriteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="item_favorite_add",
        tags=["favorites"],
        request=None,
        summary="품목 찜하기 (여러 번 해도 한 번)",
        responses={201: FAVORITE_STATE, 401: ERROR_SCHEMA, 404: ERROR_SCHEMA},
    )
    def post(self, request, item_id: int):
        services.favorite_item_add(user=request.user, item_id=item_id)
        return Response({"favorited": True}, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="item_favorite_remove",
        tags=["favorites"],
        summary="품목 찜 해제 (여러 번 해도 한 번)",
        responses={200: FAVORITE_STATE, 401: ERROR_SCHEMA},
    )
    def delete(self, request, item_id: int):
        services.favorite_item_remove(user=request.user, item_id=item_id)
        return Response({"favorited": False})


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    party_id = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    title = serializers.CharField()
    market = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()

    def to_representation(self, notification) -> dict:
        return services.notification_payload(notification)


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_list",
        tags=["notifications"],
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="1: 안 읽은 것만"),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated(
                "PaginatedNotifications",
                NotificationOutput(many=True),
                unread_count=serializers.IntegerField(),
            ),
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
        },
    )
    def get(self, request):
        unread_only = parse_flag(request.query_params, "unread")
        notifications = notifications_for(user_id=request.user.pk, unread_only=unread_only)
        paginator = Pagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        response = paginator.get_paginated_response(NotificationOutput(page, many=True).data)
        response.data["unread_count"] = unread_count(user_id=request.user.pk)
        return response


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read",
        tags=["notifications"],
        request=None,
        responses={200: NotificationOutput, 404: ERROR_SCHEMA},
    )
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read_all",
        tags=["notifications"],
        request=None,
        responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})},
    )
    def post(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class NotificationTypeOutput(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    group_name = serializers.CharField()
    switchable = serializers.BooleanField()
    on = serializers.BooleanField()


class NotificationSettingsOutput(serializers.Serializer):
    types = NotificationTypeOutput(many=True)
    quiet_hours = serializers.BooleanField()
    quiet_start = serializers.CharField(help_text="HH:MM (Asia/Seoul)")
    quiet_end = serializers.CharField(help_text="HH:MM (Asia/Seoul)")

    def to_representation(self, preference) -> dict:
        return {
            "types": [
                {
                    "type": str(event_type),
                    "name": str(kind.label),
                    "group": str(kind.group),
                    "group_name": str(GROUPS[kind.group].label),
                    "switchable": GROUPS[kind.group].switchable,
                    "on": str(event_type) not in preference.muted_types,
                }
                for event_type, kind in KINDS.items()
            ],
            "quiet_hours": preference.quiet_hours,
            "quiet_start": preference.quiet_start.strftime("%H:%M"),
            "quiet_end": preference.quiet_end.strftime("%H:%M"),
        }


class NotificationSettingsInput(serializers.Serializer):
    muted_types = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=50, required=False
    )
    quiet_hours = serializers.BooleanField(required=False)
    quiet_start = serializers.TimeField(required=False, input_formats=["%H:%M"])
    quiet_end = serializers.TimeField(required=False, input_formats=["%H:%M"])


class NotificationSettingsApi(APIView):
    """The signed-in user's notification settings: which types notify them (penalties,
    appeals and reports always do) and their quiet hours (nothing pushed to devices then;
    the inbox keeps everything). PATCH changes what it names."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_notification_settings_get",
        tags=["notifications"],
        responses={200: NotificationSettingsOutput, 401: ERROR_SCHEMA},
    )
    def get(self, request):
        preference = notification_preference(user_id=request.user.pk)
        return Response(NotificationSettingsOutput(preference).data)

    @extend_schema(
        operation_id="me_notification_settings_update",
        tags=["notifications"],
        request=NotificationSettingsInput,
        responses={200: NotificationSettingsOutput, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA},
    )
    def patch(self, request):
        data = NotificationSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        preference = services.notification_preference_update(
            user=request.user, **data.validated_data
        )
        return Response(NotificationSettingsOutput(preference).data)
