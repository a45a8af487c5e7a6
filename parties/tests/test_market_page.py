"""A market's page (served by parties: it lists parties) and closed markets (폐업): the page
lists the market's open parties; a closed market takes no new party, its parties go on."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from markets.localdata import ClosedRow
from markets.models import Market
from markets.services import market_import_localdata
from notifications.models import OutboxEvent
from parties.models import Membership, Party, PartyStatus
from parties.services import party_cancel, party_close, party_join
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db

HOME = (37.5485, 126.9136)  # 합정


def text(response) -> str:
    return unescape(response.content.decode())


def listed_party_ids(response) -> list[int]:
    assert response.status_code == 200
    html = response.content.decode()
    [section] = re.findall(r'data-testid="market-parties">(.*?)</ul>', html, re.S)
    return [int(pk) for pk in re.findall(r'data-party-id="(\d+)"', section)]


def close_by_import(market: Market) -> Market:
    """What ``import_markets`` does when the LOCALDATA file lists the store as 폐업."""
    summary = market_import_localdata(
        rows=[ClosedRow(line=2, source_id=market.source_id, status="폐업")]
    )
    assert summary.marked_closed == 1
    market.refresh_from_db()
    return market


@pytest.fixture
def market():
    return MarketFactory(
        name="홈플러스 월드컵점", lat=37.5560, lng=126.9010, source=Market.Source.LOCALDATA
    )


@pytest.fixture
def apple():
    return ItemFactory(name="부사 사과 5kg 박스")


# --- the market's page ---------------------------------------------------------------------


def test_market_page_lists_open_parties_only_soonest_deadline_first(client, market):
    now = timezone.now()
    later = make_party(market=market, title="늦게 마감", recruit_until=now + timedelta(days=1))
    sooner = make_party(market=market, title="곧 마감", recruit_until=now + timedelta(hours=2))

    closed = make_party(market=market, title="마감된 파티")
    party_join(party_id=closed.pk, user=UserFactory())
    party_close(party_id=closed.pk, user=closed.leader)
    cancelled = make_party(market=market, title="취소된 파티")
    party_cancel(party_id=cancelled.pk, user=cancelled.leader)
    hidden = make_party(market=market, title="가려진 파티")
    Party.objects.filter(pk=hidden.pk).update(hidden_at=now)
    overdue = make_party(market=market, title="마감 지난 파티")
    Party.objects.filter(pk=overdue.pk).update(recruit_until=now - timedelta(minutes=1))
    elsewhere = make_party(market=MarketFactory(), title="다른 마트 파티")
    assert Party.objects.get(pk=closed.pk).status == PartyStatus.CLOSED
    assert Party.objects.get(pk=cancelled.pk).status == PartyStatus.CANCELLED

    response = client.get(reverse("markets:detail", args=[market.pk]))
    assert listed_party_ids(response) == [sooner.pk, later.pk]
    html = text(response)
    assert f'href="{reverse("parties:detail", args=[sooner.pk])}"' in html
    assert '모집 중인 파티 <span class="muted">2</span>' in html
    for title in ("마감된 파티", "취소된 파티", "가려진 파티", "마감 지난 파티", elsewhere.title):
        assert title not in html
    assert "1인당 7,500원" in html  # ⌈30000 / 4⌉, the card as elsewhere
    assert 'data-testid="market-create-party"' in html


def test_market_page_without_open_parties_invites_creating_one(client, market):
    response = client.get(reverse("markets:detail", args=[market.pk]))
    assert listed_party_ids(response) == []
    html = text(response)
    assert "아직 이 마트에서 모집 중인 파티가 없어요." in html
    assert f'href="/parties/new/?market={market.pk}" data-testid="market-first-party"' in html
    assert "폐업한 매장이에요" not in html


def test_closed_market_page_says_so_and_offers_no_new_party(client, market):
    party = make_party(market=market, title="닫히기 전에 연 파티")
    close_by_import(market)
    client.force_login(UserFactory())
    response = client.get(reverse("markets:detail", args=[market.pk]))
    assert response.status_code == 200
    html = text(response)
    assert "폐업한 매장이에요." in html
    assert 'data-testid="market-closed"' in html
    assert "/parties/new/?market=" not in html
    assert "이 마트에서 파티 만들기" not in html
    # Its open party is still listed: it goes on.
    assert listed_party_ids(response) == [party.pk]


# --- closed markets: no new party ----------------------------------------------------------


def create_payload(market, item) -> dict:
    now = timezone.now()
    return {
        "market_id": market.pk,
        "item_id": item.pk,
        "title": "사과 한 박스 같이 사요",
        "total_price": 30000,
        "total_quantity": 20,
        "unit": "개",
        "capacity": 4,
        "meet_at": (now + timedelta(days=2)).isoformat(),
        "recruit_until": (now + timedelta(days=1)).isoformat(),
    }


def test_create_api_refuses_a_closed_market_with_409_and_writes_nothing(auth_client, market, apple):
    close_by_import(market)
    events_before = OutboxEvent.objects.count()
    response = auth_client.post("/api/v1/parties", create_payload(market, apple), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "market_closed"
    assert body["message"] == "폐업한 매장이라 새 파티를 만들 수 없어요. 다른 마트를 골라 주세요."
    assert body["details"]["market_id"] == market.pk
    assert not Party.objects.exists()
    assert not Membership.objects.exists()
    assert OutboxEvent.objects.count() == events_before


def form_data(market, item) -> dict:
    start = timezone.localtime() + timedelta(days=2)
    return {
        "market_id": market.pk,
        "item_id": item.pk,
        "item_query": item.name,
        "title": "사과 한 박스 같이 사요",
        "description": "",
        "total_price": "30000",
        "total_quantity": "20",
        "unit": "개",
        "capacity": "4",
        "recruit_until": start.replace(hour=12, minute=0).strftime("%Y-%m-%dT%H:%M"),
        "meet_at": start.replace(hour=19, minute=30).strftime("%Y-%m-%dT%H:%M"),
    }


def test_create_page_refuses_a_closed_market_next_to_the_field(client, market, apple):
    close_by_import(market)
    client.force_login(UserFactory(lat=HOME[0], lng=HOME[1]))
    events_before = OutboxEvent.objects.count()
    response = client.post(reverse("parties:create"), form_data(market, apple))
    assert response.status_code == 200
    html = text(response)
    assert re.search(
        r'<small class="field__error" role="alert">폐업한 매장이라 새 파티를 만들 수 없어요.', html
    )
    assert not Party.objects.exists()
    assert OutboxEvent.objects.count() == events_before


def test_create_form_does_not_offer_a_closed_market(client, market):
    open_market = MarketFactory(name="이마트 마포점", lat=37.5500, lng=126.9100)
    close_by_import(market)
    client.force_login(UserFactory(lat=HOME[0], lng=HOME[1]))
    html = text(client.get(reverse("parties:create")))
    assert f'<option value="{open_market.pk}">' in html
    assert "홈플러스 월드컵점" not in html
    # Nor preselected by a link (?market=) from before it closed.
    html = text(client.get(reverse("parties:create"), {"market": market.pk}))
    assert "홈플러스 월드컵점" not in html
    assert f'<option value="{market.pk}"' not in html


# --- closed markets: existing parties go on ------------------------------------------------


def test_party_at_a_just_closed_market_can_still_be_joined(market):
    party = make_party(market=market, capacity=3)
    close_by_import(market)
    assert market.closed_at is not None
    neighbour = UserFactory()
    joined = party_join(party_id=party.pk, user=neighbour)
    assert joined.member_count == 2
    assert Membership.objects.filter(party=party, user=neighbour, left_at__isnull=True).exists()
    assert Party.objects.get(pk=party.pk).status == PartyStatus.RECRUITING


def test_party_at_a_just_closed_market_can_be_joined_from_its_page(client, market):
    party = make_party(market=market, capacity=3)
    close_by_import(market)
    neighbour = UserFactory()
    client.force_login(neighbour)
    response = client.post(reverse("parties:action", args=[party.pk, "join"]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["파티에 참여했어요."]
    assert Party.objects.get(pk=party.pk).member_count == 2
