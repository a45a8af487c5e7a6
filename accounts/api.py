"""Accounts JSON API: signup, JWT, me, public profiles. Thin: parse, call a service, render."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.selectors import user_get
from accounts.services import user_signup, user_update_profile
from penalties.selectors import user_penalty_count

ERROR_SCHEMA = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "details": serializers.DictField(),
    },
)


class PublicUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField()
    sido = serializers.CharField()
    sigungu = serializers.CharField()
    date_joined = serializers.DateTimeField()
    penalty_count = serializers.IntegerField()


class MeOutput(PublicUserOutput):
    email = serializers.EmailField()
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)


def _with_penalties(user) -> dict:
    data = {field: getattr(user, field) for field in MeOutput().fields if hasattr(user, field)}
    data["penalty_count"] = user_penalty_count(user_id=user.pk)
    return data


class SignupApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class SignupInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, style={"input_type": "password"})
        nickname = serializers.CharField(max_length=40)

    @extend_schema(
        operation_id="auth_signup",
        tags=["auth"],
        request=SignupInput,
        responses={201: MeOutput, 400: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "signup",
                value={"email": "me@example.kr", "password": "s3cure-pass!", "nickname": "망원댁"},
                request_only=True,
            ),
            OpenApiExample(
                "email taken",
                value={
                    "code": "email_taken",
                    "message": "이미 가입된 이메일이에요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        data = self.SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_signup(**data.validated_data)
        return Response(MeOutput(_with_penalties(user)).data, status=status.HTTP_201_CREATED)


class TokenApi(TokenObtainPairView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(operation_id="auth_token", tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefreshApi(TokenRefreshView):
    @extend_schema(operation_id="auth_token_refresh", tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class MeInput(serializers.Serializer):
        nickname = serializers.CharField(max_length=40, required=False)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True)
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lng = serializers.FloatField(required=False, min_value=-180, max_value=180)

    @extend_schema(operation_id="me_get", tags=["me"], responses={200: MeOutput, 401: ERROR_SCHEMA})
    def get(self, request):
        return Response(MeOutput(_with_penalties(request.user)).data)

    @extend_schema(
        operation_id="me_update",
        tags=["me"],
        request=MeInput,
        responses={200: MeOutput, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 503: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "home by address", value={"address": "서울 마포구 월드컵로 212"}, request_only=True
            ),
            OpenApiExample(
                "home by coordinates", value={"lat": 37.5559, "lng": 126.9105}, request_only=True
            ),
        ],
    )
    def patch(self, request):
        data = self.MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **data.validated_data)
        return Response(MeOutput(_with_penalties(user)).data)


class UserDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="users_get",
        tags=["users"],
        responses={200: PublicUserOutput, 404: ERROR_SCHEMA},
    )
    def get(self, request, user_id: int):
        user = user_get(user_id=user_id)
        return Response(PublicUserOutput(_with_penalties(user)).data)
