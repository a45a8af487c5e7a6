"""The public-data item import against a local fake speaking both APIs' real envelopes."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog import sources
from catalog.models import Category, ImportRun, Item
from catalog.services import catalog_import
from common.errors import DomainError
from tests.fakes.public_data import FakePublicData, foodsafety_rows, mafra_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    with FakePublicData(api_key="test-key") as server:
        settings.MAFRA_API_URL = server.url
        settings.FOODSAFETY_API_URL = server.url
        settings.MAFRA_API_KEY = settings.FOODSAFETY_API_KEY = "test-key"
        settings.CATALOG_IMPORT_RETRIES = 3
        settings.CATALOG_IMPORT_TIMEOUT_SECONDS = 5
        yield server


def windows(fake) -> list[tuple[int, int]]:
    return sorted((r.start, r.end) for r in fake.requests)


def test_a_total_that_is_not_a_multiple_of_1000_is_read_in_pages_of_1000(fake):
    fake.mafra = mafra_rows(2345)
    run = catalog_import(source="mafra", workers=3)
    assert run.status == "succeeded" and run.total == 2345
    assert windows(fake) == [(1, 1000), (1001, 2000), (2001, 2345)]
    assert (run.pages, run.fetched, run.created) == (3, 2345, 2345)
    assert Item.objects.filter(source="mafra").count() == 2345
    apple = Item.objects.get(source_key="1000:000000")
    assert (apple.name, apple.category.name, apple.category.depth) == ("사과 품종 0", "사과", 1)
    assert Category.objects.filter(source="mafra").count() == 10


def test_exactly_1000_rows_is_one_request(fake):
    fake.mafra = mafra_rows(1000)
    run = catalog_import(source="mafra")
    assert windows(fake) == [(1, 1000)]
    assert run.created == 1000


def test_no_data_succeeds_with_nothing(fake):
    run = catalog_import(source="mafra")  # INFO-200
    assert run.status == "succeeded" and run.fetched == 0
    assert not Item.objects.exists()


def test_a_second_run_creates_and_updates_nothing(fake):
    fake.mafra = mafra_rows(1500)
    catalog_import(source="mafra")
    again = catalog_import(source="mafra")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1500)
    assert again.categories_created == 0
    assert Item.objects.count() == 1500


def test_changed_rows_are_updated_in_place(fake):
    fake.mafra = mafra_rows(30)
    catalog_import(source="mafra")
    fake.mafra[3]["STD_SPCIES_NM"] = "포도 샤인머스캣"
    run = catalog_import(source="mafra")
    assert (run.created, run.updated, run.unchanged) == (0, 1, 29)
    assert Item.objects.get(source_key=f"{fake.mafra[3]['STD_PRDLST_CODE']}:000003").name == (
        "포도 샤인머스캣"
    )


def test_asking_more_than_1000_rows_is_refused_before_and_by_the_api(fake, monkeypatch):
    source = sources.get_source("mafra")
    with pytest.raises(sources.TooManyRowsError):
        source.fetch(1, 1001)
    assert fake.requests == []  # refused before asking
    monkeypatch.setattr(sources, "MAX_ROWS_PER_CALL", 5000)
    with pytest.raises(sources.TooManyRowsError) as refused:
        source.fetch(1, 1001)
    assert refused.value.code == "ERROR-336"  # the API's own answer, mapped


def test_slow_pages_are_fetched_concurrently_and_kept_in_order(fake):
    fake.mafra = mafra_rows(5000)
    fake.latency = 0.3  # each page takes a while: pages asked together overlap
    run = catalog_import(source="mafra", workers=4)
    assert run.created == 5000
    assert fake.max_in_flight > 1, "the pages were fetched one at a time"
    first_ids = list(Item.objects.order_by("id").values_list("source_key", flat=True)[:3])
    assert first_ids == ["1000:000000", "1001:000001", "1002:000002"]


def test_a_server_error_is_retried_then_succeeds(fake):
    fake.mafra = mafra_rows(10)
    fake.fail_next = 2
    run = catalog_import(source="mafra")
    assert run.status == "succeeded" and run.created == 10
    assert len(fake.requests) == 3  # two 500s, then the page


def test_a_server_that_keeps_failing_fails_the_run_with_a_clear_error(fake):
    fake.mafra = mafra_rows(10)
    fake.fail_next = 100
    run = catalog_import(source="mafra")
    assert run.status == "failed" and "http-500" in run.errors
    assert not Item.objects.exists()


def test_an_invalid_key_says_which_setting_and_writes_nothing(fake, settings):
    fake.mafra = mafra_rows(10)
    settings.MAFRA_API_KEY = "wrong"
    run = catalog_import(source="mafra")
    assert run.status == "failed"
    assert "INFO-100" in run.errors and "MAFRA_API_KEY" in run.errors
    assert not Item.objects.exists() and not Category.objects.exists()


def test_a_body_that_is_not_json_is_retried_by_a_rerun_not_half_written(fake):
    fake.mafra = mafra_rows(10)
    fake.not_json_next = 1
    run = catalog_import(source="mafra")
    assert run.status == "failed" and "bad-json" in run.errors
    assert catalog_import(source="mafra").created == 10


def test_duplicates_within_and_across_pages_are_stored_once(fake):
    rows = mafra_rows(1200)
    rows[5] = dict(rows[4])  # same natural key, same page
    rows[1100] = dict(rows[6])  # same natural key, next page
    fake.mafra = rows
    run = catalog_import(source="mafra")
    assert run.duplicates == 2 and run.created == 1198
    assert Item.objects.count() == 1198


def test_rows_are_parsed_tolerantly(fake):
    rows = mafra_rows(4)
    rows[0]["STD_SPCIES_NM"] = "   "  # empty name: skipped
    rows[1] = {"STD_PRDLST_NM": " 딸기 ", "STD_SPCIES_NM": "  설향\t 특품 ", "EXTRA": 1}
    del rows[2]["STD_PRDLST_CODE"]  # missing code: the name keys it
    fake.mafra = rows
    run = catalog_import(source="mafra")
    assert (run.skipped, run.created) == (1, 3)
    berry = Item.objects.get(name="설향 특품")
    assert berry.category.name == "딸기" and berry.source_key == "딸기:설향 특품"


def test_foodsafety_builds_three_category_levels_with_barcodes_and_makers(fake):
    fake.foodsafety = foodsafety_rows(1001)
    run = catalog_import(source="foodsafety")
    assert run.created == 1001 and windows(fake) == [(1, 1000), (1001, 1001)]
    item = Item.objects.get(barcode="8800000000000")
    assert item.maker == "공구식품 0" and item.source_key == "8800000000000"
    leaf = item.category
    assert leaf.depth == 3 and leaf.parent.depth == 2 and leaf.parent.parent.depth == 1
    assert leaf.key == "가공식품 > 과자류 > 과자류 소분류 0"


def test_korean_limit_and_both_sources_keep_their_own_keys(fake):
    fake.mafra, fake.foodsafety = mafra_rows(50), foodsafety_rows(50)
    assert catalog_import(source="mafra", limit=20).created == 20
    assert catalog_import(source="foodsafety").created == 50
    assert Item.objects.filter(source="mafra").count() == 20


def test_two_imports_never_overlap_but_a_stale_one_does_not_block(fake):
    fake.mafra = mafra_rows(5)
    running = ImportRun.objects.create(source="foodsafety")
    with pytest.raises(DomainError) as refused:
        catalog_import(source="mafra")
    assert refused.value.code == "import_running"
    assert not Item.objects.exists()
    ImportRun.objects.filter(pk=running.pk).update(started_at=timezone.now() - timedelta(hours=7))
    assert catalog_import(source="mafra").status == "succeeded"
    assert ImportRun.objects.get(pk=running.pk).status == "failed"


def test_command_prints_a_summary_and_fails_loudly(fake, settings):
    fake.mafra, fake.foodsafety = mafra_rows(1500), foodsafety_rows(10)
    out = io.StringIO()
    call_command(
        "import_catalog", "--source", "mafra", "--workers", "2", stdout=out, stderr=io.StringIO()
    )
    assert "mafra: succeeded — 1,500 rows in 2 pages, 1,500 created" in out.getvalue()
    settings.FOODSAFETY_API_KEY = "nope"
    with pytest.raises(CommandError, match="foodsafety"):
        call_command(
            "import_catalog", "--source", "foodsafety", stdout=io.StringIO(), stderr=io.StringIO()
        )
    with pytest.raises(CommandError):
        call_command("import_catalog", "--limit", "0", stdout=io.StringIO())


def test_weekly_schedule_is_editable_in_the_beat_tables(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="catalog.import_items")
    crontab = task.crontab
    assert task.enabled
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "4", "1")
    assert str(crontab.timezone) == "Asia/Seoul"


def test_imported_items_are_found_by_maker_category_and_initials(fake):
    from catalog.selectors import item_search

    fake.foodsafety = foodsafety_rows(3)
    catalog_import(source="foodsafety")
    by_maker = item_search(q="공구식품 0")
    assert [item.barcode for item in by_maker] == ["8800000000000"]
    assert item_search(q="과자류 소분류 0").count() == 1
    processed = Item.objects.filter(category__key__startswith="가공식품 > ").count()
    assert 0 < processed == item_search(q="가공식품").count()
    assert [item.name for item in item_search(q="ㄱㅈㄹㅅㅍ0")] == ["과자류 상품 0"]
    # A rerun with a changed name reindexes the row; an unchanged one writes nothing.
    name = Item.objects.get(barcode="8800000000000").name
    fake.foodsafety[0]["PRDT_NM"] = "새이름 과자"
    run = catalog_import(source="foodsafety")
    assert (run.updated, run.unchanged) == (1, 2)
    assert item_search(q="새이름").count() == 1 and not item_search(q=name).filter(
        barcode="8800000000000"
    )
