import pytest
from rest_framework import serializers

from parties.api import NearbyPartyOutput, PartyOutput
from parties.selectors import party_get
from tests.factories import make_party

pytestmark = pytest.mark.django_db


def test_hand_built_output_matches_the_declared_serializer_fields():
    party = party_get(party_id=make_party(title="<b>사과</b> 나눠요").id)
    generic = serializers.Serializer.to_representation(PartyOutput(), party)
    assert PartyOutput(party).data == generic
    assert set(PartyOutput(party).data) == set(PartyOutput().fields)


def test_nearby_output_adds_rounded_distance():
    party = party_get(party_id=make_party().id)
    party.distance_km = 1.23456789
    data = NearbyPartyOutput(party).data
    assert data["distance_km"] == 1.235
    assert set(data) == set(NearbyPartyOutput().fields)
