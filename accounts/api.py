"""Accounts JSON API: signup, JWT, me, public profiles. Thin: parse, call a service, render."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView

from accounts.login_limits import lockout_error, signup_rate_check, was_locked_out
from accounts.models import LocationPrecision, LocationSource, User
from accounts.selectors import login_refusal_for
from accounts.services import (
    auth_logout,
    auth_token_refresh,
    user_password_change,
    user_signup,
    user_update_profile,
)
from common.api_schema import ERROR_SCHEMA
from penalties.selectors import user_penalty_count


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
    # True when the home is only its district's centre (the address was placed by the offline
    # 시군구 table): show it, and distances from it, as approximate.
    location_approximate = serializers.BooleanField()
    location_precision = serializers.ChoiceField(choices=LocationPrecision.choices)
    location_source = serializers.ChoiceField(choices=LocationSource.choices)


def _with_penalties(user: User) -> dict[str, Any]:
    # keys(): drf-stubs type iterating the fields mapping as Field objects, not their names.
    names = MeOutput().fields.keys()
    data = {field: getattr(user, field) for field in names if hasattr(user, field)}
    data["penalty_count"] = user_penalty_count(user_id=user.pk)
    return data


class SignupApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class SignupInput(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, style={"input_type": "password"})
        nickname = serializers.CharField(max_length=40)

    @extend_schema(
        operation_id="auth_signup",
        tags=["auth"],
        request=SignupInput,
        responses={201: MeOutput, 400: ERROR_SCHEMA, 429: ERROR_SCHEMA},
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
        signup_rate_check(request)
        data = self.SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_signup(**data.validated_data)
        return Response(MeOutput(_with_penalties(user)).data, status=status.HTTP_201_CREATED)


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenApi(TokenObtainPairView):
    """Email + password → a token pair. Failed attempts count per account and per client
    address (``accounts.login_limits``); past the limit every attempt, even with the right
    password, gets 429 ``login_locked`` with when to retry."""

    throttle_classes: list = []

    @extend_schema(
        operation_id="auth_token",
        tags=["auth"],
        responses={
            200: TokenPairOutput,
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            429: ERROR_SCHEMA,
        },
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            if was_locked_out(request):
                raise lockout_error(request) from None
            refusal = login_refusal_for(
                email=str(request.data.get("email") or ""),
                password=str(request.data.get("password") or ""),
            )
            if refusal is not None:
                raise refusal from None
            raise


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=2000)


class TokenRefreshApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="auth_token_refresh",
        tags=["auth"],
        request=RefreshInput,
        responses={200: TokenPairOutput, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA},
        description="새 access와 새 refresh를 받아요. 쓴 refresh는 그 자리에서 폐기돼요 "
        "(같은 refresh를 다시 쓰면 401).",
    )
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(TokenPairOutput(auth_token_refresh(**data.validated_data)).data)


class LogoutApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="auth_logout",
        tags=["auth"],
        request=RefreshInput,
        responses={205: None, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA},
        description="이 refresh 토큰을 폐기해요. 이후 그 토큰으로는 갱신할 수 없어요(401).",
    )
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        auth_logout(**data.validated_data)
        return Response(status=status.HTTP_205_RESET_CONTENT)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    class PasswordChangeInput(serializers.Serializer):
        old_password = serializers.CharField(max_length=128, style={"input_type": "password"})
        new_password = serializers.CharField(max_length=128, style={"input_type": "password"})

    @extend_schema(
        operation_id="me_password_change",
        tags=["me"],
        request=PasswordChangeInput,
        responses={204: None, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA},
        description="비밀번호를 바꿔요. 이 사용자의 모든 refresh 토큰이 폐기돼요.",
    )
    def post(self, request):
        data = self.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user_password_change(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
            OpenApiExample(
                "empty address",
                value={
                    "code": "address_required",
                    "message": "주소를 입력하거나 지도에서 위치를 골라 주세요.",
                    "details": {},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        description=(
            "집 위치는 주소(`address`, 지오코딩) 또는 좌표(`lat`/`lng`)로 정해요. 주소가 구 "
            "단위까지만 찾아지면(카카오 키가 없거나 카카오가 응답하지 않을 때의 내장 주소표) 구 "
            "중심에 저장되고 `location_approximate`가 true예요. 빈 주소는 400 "
            "`address_required`(아무것도 바뀌지 않아요)."
        ),
    )
    def patch(self, request):
        data = self.MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **data.validated_data)
        return Response(MeOutput(_with_penalties(user)).data)
