import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Item
from tests.factories import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    food = CategoryFactory(name="식품")
    fruit = CategoryFactory(name="과일", parent=food)
    apple = CategoryFactory(name="사과", parent=fruit)
    living = CategoryFactory(name="생활용품")
    tissue = CategoryFactory(name="화장지", parent=living)
    items = {
        "fuji": ItemFactory(name="부사 사과 5kg 박스", category=apple),
        "juice": ItemFactory(name="사과주스 1.5L 6입", category=fruit),
        "pear": ItemFactory(name="신고배 7.5kg", category=fruit),
        "tissue": ItemFactory(name="3겹 화장지 30롤", category=tissue),
        "water": ItemFactory(name="Samdasoo 생수 2L x 12", category=food),
    }
    return {"food": food, "fruit": fruit, "apple": apple, "living": living, **items}


def names(response):
    return sorted(item["name"] for item in response.json()["results"])


def test_korean_substring_search_finds_every_item_containing_the_text(api_client, catalog):
    assert names(api_client.get("/api/v1/items", {"q": "사과"})) == [
        "부사 사과 5kg 박스",
        "사과주스 1.5L 6입",
    ]
    # One character and a three-character infix go through different indexes on PostgreSQL.
    assert names(api_client.get("/api/v1/items", {"q": "배"})) == ["신고배 7.5kg"]
    assert names(api_client.get("/api/v1/items", {"q": "과주스"})) == ["사과주스 1.5L 6입"]
    assert names(api_client.get("/api/v1/items", {"q": "30롤"})) == ["3겹 화장지 30롤"]


def test_search_ignores_case_for_latin_text(api_client, catalog):
    assert names(api_client.get("/api/v1/items", {"q": "samdasoo"})) == ["Samdasoo 생수 2L x 12"]
    assert names(api_client.get("/api/v1/items", {"q": "SA"})) == ["Samdasoo 생수 2L x 12"]


def test_category_filter_includes_descendants(api_client, catalog):
    in_fruit = names(api_client.get("/api/v1/items", {"category": catalog["fruit"].id}))
    assert in_fruit == ["부사 사과 5kg 박스", "사과주스 1.5L 6입", "신고배 7.5kg"]
    in_food_matching = names(
        api_client.get("/api/v1/items", {"category": catalog["food"].id, "q": "사과"})
    )
    assert in_food_matching == ["부사 사과 5kg 박스", "사과주스 1.5L 6입"]


def test_bad_category_parameters(api_client, catalog):
    bad = api_client.get("/api/v1/items", {"category": "fruit"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_category"
    missing = api_client.get("/api/v1/items", {"category": 999999})
    assert missing.status_code == 404
    assert missing.json()["code"] == "category_not_found"


def test_categories_lists_the_tree_with_depth_and_parent(api_client, catalog):
    body = api_client.get("/api/v1/categories").json()
    by_name = {c["name"]: c for c in body}
    assert by_name["사과"]["depth"] == 3
    assert by_name["사과"]["parent_id"] == catalog["fruit"].id
    assert by_name["사과"]["key"] == "식품 > 과일 > 사과"
    assert by_name["식품"]["parent_id"] is None


@pytest.mark.postgres
def test_search_uses_indexes_on_postgresql(catalog):
    if connection.vendor != "postgresql":
        pytest.skip("index plans are a PostgreSQL matter; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for q in ("사", "사과", "과주스"):
                with CaptureQueriesContext(connection) as ctx:
                    list(Item.objects.search(q))
                sql = ctx.captured_queries[-1]["sql"]
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                # 1-2 characters: only the characters index can serve them. From three on
                # the query carries both conditions and the planner picks either index
                # (which one depends on the table's statistics).
                indexes = ["catalog_item_name_chars"]
                if len(q) > 2:
                    indexes.append("catalog_item_name_trgm")
                assert any(index in plan for index in indexes), plan
                assert "Seq Scan" not in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")
