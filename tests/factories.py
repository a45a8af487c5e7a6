from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from catalog.models import Category, Item, ItemSource
from markets.models import Market

DEFAULT_PASSWORD = "gonggu-pass-1234"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    nickname = factory.Sequence(lambda n: f"이웃{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class MarketFactory(DjangoModelFactory):
    class Meta:
        model = Market

    source = Market.Source.MANUAL
    source_id = factory.Sequence(lambda n: f"M-{n:06d}")
    name = factory.Sequence(lambda n: f"테스트마트 {n}호점")
    brand = "테스트마트"
    kind = "대형마트"
    road_address = "서울특별시 용산구 한강대로23길 55"
    lat = 37.5298
    lng = 126.9648
    sido = "서울특별시"
    sigungu = "용산구"


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    source = ItemSource.MANUAL
    name = factory.Sequence(lambda n: f"분류{n}")
    key = factory.LazyAttribute(
        lambda o: o.name if o.parent is None else f"{o.parent.key} > {o.name}"
    )
    parent = None
    depth = factory.LazyAttribute(lambda o: 1 if o.parent is None else o.parent.depth + 1)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    source = ItemSource.MANUAL
    source_key = factory.Sequence(lambda n: f"item-{n}")
    name = factory.Sequence(lambda n: f"품목{n}")
    category = factory.SubFactory(CategoryFactory)


def make_party(*, leader=None, market=None, item=None, **overrides):
    """A party created through the real service (so membership and counters are right)."""
    from parties.services import party_create

    now = timezone.now()
    fields = {
        "title": "사과 한 박스 나눠요",
        "description": "4명이서 나눠요",
        "total_price": 30000,
        "total_quantity": 20,
        "unit": "개",
        "capacity": 4,
        "meet_at": now + timedelta(days=2),
        "recruit_until": now + timedelta(days=1),
    }
    fields.update(overrides)
    market = market or MarketFactory()
    item = item or ItemFactory()
    return party_create(
        leader=leader or UserFactory(), market_id=market.id, item_id=item.id, **fields
    )


def party_request_body(*, market_id: int, item_id: int, title: str, capacity: int = 3) -> dict:
    """The JSON of ``POST /api/v1/parties`` for a plain party: 30 rolls for 30,000 won,
    recruiting until tomorrow, meeting the day after."""
    now = timezone.now()
    return {
        "market_id": market_id,
        "item_id": item_id,
        "title": title,
        "description": "",
        "total_price": 30000,
        "total_quantity": 30,
        "unit": "롤",
        "capacity": capacity,
        "meet_at": (now + timedelta(days=2)).isoformat(),
        "recruit_until": (now + timedelta(days=1)).isoformat(),
    }
