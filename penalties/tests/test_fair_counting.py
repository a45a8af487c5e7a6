"""Fair counting: toward the block, penalties count by distinct leaders over 90 days, so no
one leader can block anyone alone; every penalty stays on record and on the profile; the
public standing says what a resident has kept and missed, and earns nothing for nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import DomainError
from parties.models import Party, PartyStatus
from parties.selectors import user_standing
from parties.services import party_complete, party_create, party_join
from penalties.models import Penalty
from penalties.selectors import user_blocked_until, user_penalty_standing
from penalties.tests.conftest import grant, met
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party
from tests.fixtures import clear_cache

pytestmark = pytest.mark.django_db


def met_party_of(leader, member):
    party = make_party(leader=leader, capacity=2)
    party_join(party_id=party.id, user=member)
    return met(party)


def test_one_leader_cannot_block_anyone_alone(settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    leader, member = UserFactory(), UserFactory()
    for _ in range(3):  # three of the leader's own parties, three "안 왔어요" clicks
        grant(met_party_of(leader, member), leader, member)
    standing = user_penalty_standing(user_id=member.id)
    assert standing.no_show_count == 3  # all stay on record
    assert standing.counted_toward_block == 1
    assert standing.blocked_until is None
    assert standing.remaining_to_block == 2
    # And they may still open a party.
    party_create(
        leader=member,
        market_id=MarketFactory().id,
        item_id=ItemFactory().id,
        title="아직 괜찮아요",
        total_price=10000,
        total_quantity=2,
        unit="개",
        capacity=2,
        meet_at=timezone.now() + timedelta(days=2),
        recruit_until=timezone.now() + timedelta(days=1),
    )


def test_three_distinct_leaders_block_until_the_third_newest_leaders_penalty_ages_out(settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    member = UserFactory()
    leaders = UserFactory.create_batch(3)
    # All four meetings happen first: once blocked, the member could not join another.
    parties = [met_party_of(leader, member) for leader in leaders]
    later_party = met_party_of(leaders[0], member)
    penalties = [
        grant(party, leader, member) for party, leader in zip(parties, leaders, strict=True)
    ]
    # The first leader gives a second penalty later: their newest one is what counts.
    grant(later_party, leaders[0], member)
    now = timezone.now()
    for days, penalty in zip((30, 20, 10), penalties, strict=True):
        Penalty.objects.filter(pk=penalty.pk).update(created_at=now - timedelta(days=days))
    clear_cache()  # the dates moved under the cached tally
    standing = user_penalty_standing(user_id=member.id)
    assert (standing.no_show_count, standing.counted_toward_block) == (4, 3)
    until = user_blocked_until(user_id=member.id)
    # Leaders' latest: leader 0 just now, leader 2 ten days ago, leader 1 twenty days ago.
    expected = Penalty.objects.get(pk=penalties[1].pk).created_at + timedelta(days=90)
    assert until == expected
    with pytest.raises(DomainError) as refused:
        party_join(party_id=make_party().id, user=member)
    assert refused.value.code == "penalty_blocked"


def test_standing_kept_count_counts_completed_parties_without_a_penalty():
    leader, kept, missed = UserFactory(), UserFactory(), UserFactory()
    party = make_party(leader=leader, capacity=3)
    party_join(party_id=party.id, user=kept)
    party_join(party_id=party.id, user=missed)  # fills and closes it
    met(party)
    party_complete(party_id=party.id, user=leader)
    grant(Party.objects.get(pk=party.pk), leader, missed)
    assert Party.objects.get(pk=party.pk).status == PartyStatus.COMPLETED
    assert user_standing(user=kept).kept_count == 1
    assert user_standing(user=leader).kept_count == 1
    assert user_standing(user=missed).kept_count == 0
    assert user_standing(user=missed).no_show_count == 1


def test_new_users_are_new_and_nobody_gets_a_badge_for_nothing(client):
    newcomer = UserFactory()
    old_timer = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    assert user_standing(user=newcomer).is_new
    old = user_standing(user=old_timer)
    assert not old.is_new and old.kept_count == 0 and old.no_show_count == 0
    page = client.get(f"/accounts/users/{newcomer.id}/").content.decode()
    assert "새 이웃" in page and "약속을 잘 지켜요" not in page
    page = client.get(f"/accounts/users/{old_timer.id}/").content.decode()
    assert "새 이웃" not in page and "약속 지킴" in page  # the facts list, "0회"


def test_users_api_carries_the_standing(api_client, settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    member = UserFactory()
    leader = UserFactory()
    grant(met_party_of(leader, member), leader, member)
    body = api_client.get(f"/api/v1/users/{member.id}").json()
    standing = body["standing"]
    assert standing["no_show_count"] == 1
    assert standing["counted_toward_block"] == 1
    assert standing["blocked_until"] is None
    assert standing["kept_count"] == 0
    assert standing["member_since"]
    assert body["penalty_count"] == 1  # unchanged field, same number


def test_the_penalties_page_says_how_many_more_leaders_would_block(client, settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    member, leader = UserFactory(), UserFactory()
    grant(met_party_of(leader, member), leader, member)
    client.force_login(member)
    page = client.get("/penalties/mine/").content.decode()
    assert "다른 파티장 2명에게 더 페널티를 받으면 이용이 제한돼요." in page
