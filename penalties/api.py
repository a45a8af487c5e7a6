"""Penalties JSON API: what a user received. (Granting is a party operation:
``parties.api.PartyPenaltyGrantApi`` at ``parties/{id}/penalties``.)"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from penalties.selectors import penalties_received


class PenaltyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    party_id = serializers.IntegerField()
    party_title = serializers.CharField(source="party.title")
    user_id = serializers.IntegerField()
    given_by_id = serializers.IntegerField()
    reason = serializers.CharField()
    reason_label = serializers.CharField(source="get_reason_display")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    revoked = serializers.SerializerMethodField()

    def get_revoked(self, penalty) -> bool:
        return penalty.revoked_at is not None


class MyPenaltiesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_penalties", tags=["penalties"], responses=PenaltyOutput(many=True)
    )
    def get(self, request):
        return Response(PenaltyOutput(penalties_received(user_id=request.user.pk), many=True).data)
