"""Web Push JSON API: the server's VAPID public key, and a browser's subscription (the
``PushSubscription.toJSON()`` a browser gives) stored and removed."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import ERROR_SCHEMA
from common.errors import DomainError
from webpush import services
from webpush.vapid import push_enabled, vapid_public_key

UNAVAILABLE_EXAMPLE = OpenApiExample(
    "push off",
    value={
        "code": "push_unavailable",
        "message": "이 서버에서는 푸시 알림을 쓸 수 없어요.",
        "details": {},
    },
    response_only=True,
    status_codes=["503"],
)


def _unavailable() -> DomainError:
    return DomainError("push_unavailable", _("이 서버에서는 푸시 알림을 쓸 수 없어요."), status=503)


class VapidKeyOutput(serializers.Serializer):
    public_key = serializers.CharField(help_text="PushManager.subscribe의 applicationServerKey")


class PushVapidKeyApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="push_vapid_key",
        tags=["push"],
        summary="웹 푸시 VAPID 공개 키 (푸시가 꺼진 서버는 503 push_unavailable)",
        responses={200: VapidKeyOutput, 503: ERROR_SCHEMA},
        examples=[UNAVAILABLE_EXAMPLE],
    )
    def get(self, request):
        if not push_enabled():
            raise _unavailable()
        return Response(VapidKeyOutput({"public_key": vapid_public_key()}).data)


class SubscriptionOutput(serializers.Serializer):
    endpoint = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_success_at = serializers.DateTimeField(allow_null=True)


class PushSubscriptionApi(APIView):
    """POST stores this browser's subscription; DELETE removes it (one path, two
    operations, as the favorites' POST|DELETE)."""

    permission_classes = [IsAuthenticated]

    class SubscriptionInput(serializers.Serializer):
        # The shape of PushSubscription.toJSON() (expirationTime is ignored).
        endpoint = serializers.CharField(max_length=2000)
        keys = serializers.DictField(child=serializers.CharField(max_length=200))

    @extend_schema(
        operation_id="push_subscribe",
        tags=["push"],
        summary="이 브라우저의 웹 푸시 구독 저장 (같은 endpoint는 갱신)",
        request=inline_serializer(
            "PushSubscriptionInput",
            {
                "endpoint": serializers.URLField(),
                "keys": inline_serializer(
                    "PushSubscriptionKeys",
                    {"p256dh": serializers.CharField(), "auth": serializers.CharField()},
                ),
            },
        ),
        responses={
            201: SubscriptionOutput,
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            503: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample(
                "a browser",
                value={
                    "endpoint": "https://fcm.googleapis.com/fcm/send/dXk…",
                    "keys": {"p256dh": "BNc…", "auth": "tBH…"},
                },
                request_only=True,
            ),
            OpenApiExample(
                "bad keys",
                value={
                    "code": "push_keys_invalid",
                    "message": (
                        "푸시 구독 키가 올바르지 않아요. 브라우저에서 알림을 다시 켜 주세요."
                    ),
                    "details": {"field": "p256dh"},
                },
                response_only=True,
                status_codes=["400"],
            ),
            UNAVAILABLE_EXAMPLE,
        ],
    )
    def post(self, request):
        data = self.SubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        keys = data.validated_data["keys"]
        subscription = services.push_subscribe(
            user=request.user,
            endpoint=data.validated_data["endpoint"],
            p256dh=keys.get("p256dh", ""),
            auth=keys.get("auth", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(SubscriptionOutput(subscription).data, status=status.HTTP_201_CREATED)

    class UnsubscribeInput(serializers.Serializer):
        endpoint = serializers.CharField(max_length=2000)

    @extend_schema(
        operation_id="push_unsubscribe",
        tags=["push"],
        summary="이 브라우저의 웹 푸시 구독 삭제 (여러 번 해도 한 번)",
        request=UnsubscribeInput,
        responses={204: None, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA},
    )
    def delete(self, request):
        data = self.UnsubscribeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.push_unsubscribe(user=request.user, endpoint=data.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
