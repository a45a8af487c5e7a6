import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Item, SynonymGroup, SynonymWord
from catalog.selectors import item_query, item_search
from catalog.services import category_rename, synonyms_changed, synonyms_load
from catalog.synonyms import SeedGroup
from tests.factories import CategoryFactory, ItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_table")]


@pytest.fixture
def catalog():
    food = CategoryFactory(name="식품")
    fruit = CategoryFactory(name="과일", parent=food)
    apple = CategoryFactory(name="사과", parent=fruit)
    drinks = CategoryFactory(name="음료", parent=food)
    water = CategoryFactory(name="생수", parent=drinks)
    ramen = CategoryFactory(name="라면", parent=food)
    living = CategoryFactory(name="생활용품")
    tissue = CategoryFactory(name="두루마리 화장지", parent=living)
    pets = CategoryFactory(name="반려동물")
    cat_litter = CategoryFactory(name="고양이모래", parent=pets)
    items = {
        "fuji": ItemFactory(name="부사 사과 5kg 박스", category=apple),
        "juice": ItemFactory(name="사과주스 1.5L 6입", category=drinks),
        "pear": ItemFactory(name="신고배 7.5kg", category=fruit),
        "tissue": ItemFactory(name="3겹 화장지 30롤", category=tissue),
        "samdasoo": ItemFactory(name="제주 삼다수 2L 12병", category=water, maker="광동제약"),
        "spring": ItemFactory(name="동원샘물 2L 6병", category=water, maker="동원F&B"),
        "ramen": ItemFactory(name="신라면 40개입", category=ramen, maker="농심"),
        "muscat": ItemFactory(name="샤인머스캣 2kg 박스", category=fruit),
        "litter": ItemFactory(name="벤토나이트 고양이모래 10kg", category=cat_litter),
        "latin": ItemFactory(name="Samdasoo 2L x 12", category=water),
    }
    return {"food": food, "fruit": fruit, "drinks": drinks, "tissue_category": tissue, **items}


def found(api_client, q, **params):
    response = api_client.get("/api/v1/items", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def test_every_term_must_match_in_any_order(api_client, catalog):
    assert found(api_client, "사과 박스") == ["부사 사과 5kg 박스"]
    assert found(api_client, "박스 사과") == ["부사 사과 5kg 박스"]
    assert found(api_client, "사과 캔") == []


@pytest.mark.parametrize(
    "query, name",
    [
        ("고양이 모래", "벤토나이트 고양이모래 10kg"),
        ("샤인 머스캣", "샤인머스캣 2kg 박스"),
        ("신라면40", "신라면 40개입"),
        ("3겹화장지", "3겹 화장지 30롤"),
    ],
)
def test_spacing_does_not_matter(api_client, catalog, query, name):
    assert found(api_client, query)[0] == name


def test_a_term_matches_the_maker_or_any_category_level(api_client, catalog):
    assert found(api_client, "농심") == ["신라면 40개입"]
    # 음료 is the middle level above 생수: every item under it.
    assert set(found(api_client, "음료")) == {
        "사과주스 1.5L 6입",
        "제주 삼다수 2L 12병",
        "동원샘물 2L 6병",
        "Samdasoo 2L x 12",
    }
    assert found(api_client, "반려동물 모래") == ["벤토나이트 고양이모래 10kg"]


def test_synonyms_find_what_residents_mean(api_client, catalog):
    # Seeded from catalog/data/synonyms.csv by migration 0008.
    assert found(api_client, "휴지") == ["3겹 화장지 30롤"]
    assert set(found(api_client, "샘물")) >= {"동원샘물 2L 6병", "제주 삼다수 2L 12병"}
    assert found(api_client, "생수")[0] in {
        "제주 삼다수 2L 12병",
        "동원샘물 2L 6병",
        "Samdasoo 2L x 12",
    }


def test_initial_consonants_match_the_names_syllables(api_client, catalog):
    assert found(api_client, "ㅎㅈㅈ") == ["3겹 화장지 30롤"]
    assert found(api_client, "ㅅㄹㅁ") == ["신라면 40개입"]
    assert found(api_client, "ㅅㄹㅁ40") == ["신라면 40개입"]
    # Initials never match a category's initials: only names.
    assert found(api_client, "ㅇㄹ") == []


def test_latin_text_ignores_case(api_client, catalog):
    assert found(api_client, "SAMDASOO") == ["Samdasoo 2L x 12"]


def test_ranking_exact_then_prefix_then_name_then_elsewhere(api_client, catalog):
    for name in ("사과", "사과 2kg", "햇사과 1kg"):
        ItemFactory(name=name, category=catalog["fruit"])
    # 사과 is exact, "사과 2kg" and 사과주스 start with it, the others hold it in the name;
    # 부사 사과 박스 also via its category (사과) — the name still ranks it.
    assert found(api_client, "사과") == [
        "사과",
        "사과 2kg",
        "사과주스 1.5L 6입",
        "부사 사과 5kg 박스",
        "햇사과 1kg",
    ]


def test_a_synonym_in_the_name_ranks_above_a_category_match(api_client, catalog):
    ItemFactory(name="미용티슈 3입", category=catalog["tissue_category"])
    names = found(api_client, "휴지")
    assert names[0] == "3겹 화장지 30롤"  # 화장지 in the name
    assert "미용티슈 3입" in names  # only through its category, 두루마리 화장지


def test_ties_go_to_items_with_more_open_parties_nearby(api_client, catalog):
    from tests.factories import MarketFactory, make_party

    near = MarketFactory(lat=37.5, lng=127.0)
    far = MarketFactory(lat=35.1, lng=129.0)
    # Both hold 샘물 in the name and sit under 생수; 가야 sorts first by name without a location.
    ItemFactory(name="가야 샘물 2L", category=catalog["spring"].category)
    assert found(api_client, "샘물")[:2] == ["가야 샘물 2L", "동원샘물 2L 6병"]
    make_party(market=near, item=catalog["spring"])
    make_party(market=far, item=Item.objects.get(name="가야 샘물 2L"))
    make_party(market=far, item=Item.objects.get(name="가야 샘물 2L"))
    names = found(api_client, "샘물", lat="37.5", lng="127.0")
    assert names[:2] == ["동원샘물 2L 6병", "가야 샘물 2L"]


@pytest.mark.parametrize("query", ["%", "_", "사과%", "\\"])
def test_like_wildcards_are_literal(api_client, catalog, query):
    assert found(api_client, query) == []


def test_bad_input_is_refused_with_a_code(api_client, catalog):
    response = api_client.get("/api/v1/items", {"q": "사과\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_q"
    response = api_client.get("/api/v1/items", {"q": "사과", "lat": "north", "lng": "127"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_lat"


def test_an_empty_or_very_long_query_answers(api_client, catalog):
    assert len(found(api_client, "   ")) == Item.objects.count()
    assert found(api_client, "사과 " * 40) is not None


def test_category_filter_includes_descendants(api_client, catalog):
    in_fruit = found(api_client, "", category=catalog["fruit"].id)
    assert set(in_fruit) == {"부사 사과 5kg 박스", "신고배 7.5kg", "샤인머스캣 2kg 박스"}
    assert found(api_client, "사과", category=catalog["food"].id) == [
        "사과주스 1.5L 6입",
        "부사 사과 5kg 박스",
    ]


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


def test_suggestions_are_the_first_results_of_the_same_search(api_client, catalog):
    response = api_client.get("/api/v1/items/suggest", {"q": "휴지"})
    assert response.status_code == 200
    assert [s["name"] for s in response.json()] == ["3겹 화장지 30롤"]
    assert response.json()[0]["category"] == "생활용품 > 두루마리 화장지"
    assert api_client.get("/api/v1/items/suggest", {"q": ""}).json() == []
    assert api_client.get("/api/v1/items/suggest", {"q": "\x00"}).status_code == 400


def test_the_items_page_uses_the_same_search(client, catalog):
    page = client.get("/items/", {"q": "휴지"})
    assert page.status_code == 200
    assert "3겹 화장지 30롤" in page.content.decode()
    assert client.get("/items/", {"q": "a\x00"}).status_code == 400


def test_synonym_edits_take_effect_at_once(api_client, catalog, django_capture_on_commit_callbacks):
    assert found(api_client, "캣리터x") == []  # the (empty) answer is now cached
    with django_capture_on_commit_callbacks(execute=True):
        synonyms_load(groups=[SeedGroup(words=("캣리터x", "벤토나이트"), source="test")])
    assert found(api_client, "캣리터x") == ["벤토나이트 고양이모래 10kg"]
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.filter(words__word="캣리터x").delete()
        synonyms_changed()
    assert found(api_client, "캣리터x") == []


def test_loading_synonyms_keeps_a_word_in_one_group(catalog):
    before = SynonymWord.objects.count()
    created = synonyms_load(groups=[SeedGroup(words=("휴지", "화장지"), source="again")])
    assert created == 0
    assert SynonymWord.objects.count() == before


def test_renaming_a_category_reindexes_its_items(api_client, catalog):
    assert found(api_client, "롤페이퍼") == []
    category_rename(category=catalog["tissue_category"], name="두루마리 롤페이퍼")
    assert found(api_client, "롤페이퍼") == ["3겹 화장지 30롤"]
    assert found(api_client, "ㅎㅈㅈ") == ["3겹 화장지 30롤"]


@pytest.mark.services("postgresql")
@pytest.mark.parametrize("query", ["배", "사과", "사과주스", "사과 박스", "휴지", "ㅎㅈㅈ", "음료"])
def test_every_query_class_is_served_by_the_gram_index(catalog, query):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            with CaptureQueriesContext(connection) as ctx:
                list(Item.objects.matching(item_query(query)).order_by())
            cursor.execute("EXPLAIN " + ctx.captured_queries[-1]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "catalog_item_search_grams" in plan, plan
    assert "Seq Scan on catalog_item" not in plan, plan


def test_selector_order_without_location_is_rank_then_name(catalog):
    names = [item.name for item in item_search(q="2L")]
    assert names == ["Samdasoo 2L x 12", "동원샘물 2L 6병", "제주 삼다수 2L 12병"]


def test_the_count_is_exact_and_pages_walk_the_ranked_results(api_client, client, catalog):
    body = api_client.get("/api/v1/items", {"q": "2L", "page_size": 2}).json()  # three waters
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    second = api_client.get("/api/v1/items", {"q": "2L", "page_size": 2, "page": 2}).json()
    assert second["count"] == 3 and len(second["results"]) == 1
    names = [r["name"] for r in body["results"] + second["results"]]
    assert names == ["Samdasoo 2L x 12", "동원샘물 2L 6병", "제주 삼다수 2L 12병"]
    past = api_client.get("/api/v1/items", {"q": "2L", "page_size": 2, "page": 3})
    assert past.status_code == 404 and past.json()["code"] == "not_found"
    nothing = api_client.get("/api/v1/items", {"q": "없는품목"}).json()
    assert (nothing["count"], nothing["results"]) == (0, [])
    page = client.get("/items/", {"q": "2L", "page": 9}).content.decode()
    assert "품목 3개" in page and "제주 삼다수 2L 12병" in page  # past the end: the last page
