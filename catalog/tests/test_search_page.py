"""A page of the search, found without ranking every match (``item_search_page``: the head
ranked, the tail walked in name order, the count capped), is exactly the slice of the search
that ranks every match (``item_search``), whichever way it was found."""

import json
from pathlib import Path

import pytest

from catalog import selectors
from catalog.models import Item
from catalog.selectors import item_search, item_search_page
from common.params import Point
from demo.catalog import seed_demo_catalog
from tests.factories import MarketFactory, make_party

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("synonym_table"),
    pytest.mark.services("postgresql"),  # the head and the walk run on PostgreSQL only
]

RELEVANCE = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))
QUERIES = [
    *dict.fromkeys(case["query"] for case in RELEVANCE),
    "",  # every item: no head but the demand, the whole catalog walked by name
    "식품",  # a top category: a wide tail
    "ㅅㄹㅁ",  # initials only: every match is named by the query
    "ㅅㄹㅁ 40",
    "사과 박스",
]
PAGES = ((0, 20), (0, 3), (5, 4), (18, 6), (40, 20))
CAP = 3  # nearly every query counts as broad: the head and the walk serve its pages


@pytest.fixture
def demo_catalog():
    seed_demo_catalog()


@pytest.fixture
def walks(monkeypatch):
    """What the name walk returned, call by call (None: it gave up, the page was ranked)."""
    returned: list[list[int] | None] = []
    walk = selectors._by_name

    def recorded(*args, **kwargs):
        returned.append(walk(*args, **kwargs))
        return returned[-1]

    monkeypatch.setattr(selectors, "_by_name", recorded)
    monkeypatch.setattr(selectors, "COUNT_CAP", CAP)
    return returned


def assert_pages_match(query, near=None):
    ranked = [item.pk for item in item_search(q=query, near=near)]
    for offset, limit in PAGES:
        page = item_search_page(q=query, near=near, offset=offset, limit=limit)
        assert [item.pk for item in page.items] == ranked[offset : offset + limit], (
            query,
            offset,
            limit,
        )
        assert (page.count, page.count_capped) == (min(len(ranked), CAP), len(ranked) > CAP)
        unc = item_search_page(q=query, near=near, offset=offset, limit=limit, counted=False)
        assert unc.items == page.items


@pytest.mark.parametrize("walk_rows", [5000, 12])
def test_a_page_is_the_slice_of_the_whole_ranking(demo_catalog, walks, monkeypatch, walk_rows):
    # 5000: more than the catalog, every walk finishes; 12: most give up and rank instead.
    monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
    for query in QUERIES:
        assert_pages_match(query)
    assert any(walks), "no page was served by the walk"
    if walk_rows == 12:
        assert None in walks, "no walk gave up"


def test_open_parties_nearby_lead_the_tail_on_every_page(demo_catalog, walks):
    here = Point(37.5, 127.0, 5.0)
    market = MarketFactory(lat=37.5, lng=127.0)
    # Items far down the name order, found only through a category: without the demand they
    # would be deep in the tail.
    for item in Item.objects.order_by("-name")[:4]:
        make_party(market=market, item=item)
    make_party(market=market, item=Item.objects.order_by("-name")[1])
    for query in ["", "식품", "생활용품", "과일", "휴지"]:
        assert_pages_match(query, near=here)
    assert any(walks)


def test_a_narrow_search_counts_exactly(demo_catalog, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 1000)
    page = item_search_page(q="생수")
    assert page.count == item_search(q="생수").count() and not page.count_capped


def test_a_broad_search_says_there_are_more_than_it_counted(
    api_client, client, demo_catalog, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    body = api_client.get("/api/v1/items", {"q": "식품", "page_size": 3}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (5, True, 3)
    assert body["next"] is not None
    # Past the counted pages: refine the search for the rest.
    response = api_client.get("/api/v1/items", {"q": "식품", "page_size": 3, "page": 3})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    body = api_client.get("/api/v1/items", {"q": "삼다수"}).json()
    assert body["count"] == len(body["results"]) <= 5 and body["count_capped"] is False
    page = client.get("/items/", {"q": "식품"}).content.decode()
    assert "품목 5개 넘게" in page
