"""The admin reads in Korean for staff: our models' labels, the third-party apps' (celery
beat's schedules, axes' login attempts, the token blacklist) through the project catalogue
``locale/ko/LC_MESSAGES/django.po``, whose compiled ``.mo`` is kept in the repository."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin

from tests.factories import make_party

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES"

# What the issue found in English, and what the admin's own pages tend to leak.
ENGLISH = re.compile(
    r">\s*(Periodic tasks|Crontabs|Intervals|Solar events|Clocked|Closed at|Is active|"
    r"Is staff|Date joined|Created at|Updated at|Task Name|Interval Schedule|"
    r"Crontab Schedule|Access attempts|Access logs|Outstanding Tokens|Blacklisted Tokens|"
    r"Scheduler|Crontab translation|Human readable)\s*<",
    re.IGNORECASE,
)


def catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_compiled_catalogue_matches_the_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "-o", str(fresh), str(CATALOGUE / "django.po")], check=True, timeout=60
    )
    assert catalog(CATALOGUE / "django.mo") == catalog(fresh), (
        "the .mo is stale: run msgfmt -o locale/ko/LC_MESSAGES/django.mo on the .po"
    )


def test_admin_index_lists_every_app_and_model_in_korean(admin_client):
    page = admin_client.get("/admin/")
    body = page.content.decode()
    assert page.status_code == 200
    for label in ("주기 작업", "크론 일정", "간격 일정", "해 뜨고 지는 때 일정", "지정 시각 일정"):
        assert label in body
    for label in ("이벤트 (outbox)", "찜한 마트", "찜한 품목", "채팅 메시지", "알림", "공구 관리"):
        assert label in body
    assert not ENGLISH.findall(body), ENGLISH.findall(body)


def test_celery_beat_pages_label_tasks_and_schedules_in_korean(admin_client):
    listing = admin_client.get("/admin/django_celery_beat/periodictask/")
    assert listing.status_code == 200
    assert "주기 작업" in listing.content.decode()

    form = admin_client.get("/admin/django_celery_beat/periodictask/add/").content.decode()
    for label in ("간격 일정", "크론 일정", "위치 인자", "키워드 인자", "실행 옵션", "시작 시각"):
        assert label in form
    assert not ENGLISH.findall(form), ENGLISH.findall(form)

    crontab = admin_client.get("/admin/django_celery_beat/crontabschedule/add/").content.decode()
    assert "시간대" in crontab and "요일" in crontab


def test_every_admin_list_and_change_page_renders_without_english_labels(admin_client):
    make_party()  # a party, its leader, market, item, membership and events to show
    for model in admin.site._registry:
        meta = model._meta
        listing = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert listing.status_code == 200, meta.label
        assert not ENGLISH.findall(listing.content.decode()), meta.label
        first = model._default_manager.first()
        if first is not None:
            change = admin_client.get(
                f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/"
            )
            assert change.status_code == 200, meta.label
            assert not ENGLISH.findall(change.content.decode()), meta.label
