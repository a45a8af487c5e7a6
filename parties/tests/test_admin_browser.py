"""Staff in a real browser: the admin reads in Korean, a party's status is shown, not
offered as a field, and a transition is an action that says, party by party, what the
rules allowed (desktop and phone width)."""

import os

import pytest
from django.test import TestCase
from playwright.sync_api import expect

from parties.models import Party, PartyStatus
from parties.services import party_join
from tests.browser import no_tiles
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ADMIN_SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:  # a look at the pages when asked for (ADMIN_SHOTS_DIR=/tmp/shots)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_staff_close_a_party_by_action_and_see_each_result(browser_page, live_server):
    base = live_server.url
    with TestCase.captureOnCommitCallbacks(execute=True):
        ready = make_party(title="휴지 30롤 나눠요")
        party_join(party_id=ready.id, user=UserFactory(nickname="휴지필요"))
        alone = make_party(title="생수 한 박스 나눠요")
    staff = UserFactory(nickname="운영자", is_staff=True, is_superuser=True)

    page = browser_page
    no_tiles(page)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_have_text("공구 관리")
    expect(page.locator("#content")).to_contain_text("주기 작업")
    expect(page.locator("#content")).not_to_contain_text("Periodic tasks")
    shot(page, "admin-index-desktop.png")

    page.goto(f"{base}/admin/parties/party/{ready.pk}/change/")
    expect(page.locator(".field-status")).to_contain_text("모집 중")
    expect(page.locator("select[name=status]")).to_have_count(0)
    expect(page.locator("#memberships-group")).to_contain_text("휴지필요")
    shot(page, "admin-party-desktop.png")

    page.goto(f"{base}/admin/parties/party/")
    page.locator(f"input[name=_selected_action][value='{ready.pk}']").check()
    page.locator(f"input[name=_selected_action][value='{alone.pk}']").check()
    page.select_option("select[name=action]", "close_recruiting")
    page.locator("button[name=index]").click()
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("‘휴지 30롤 나눠요’: 모집을 마감했어요.")
    expect(messages).to_contain_text(
        "‘생수 한 박스 나눠요’: 파티원이 한 명 이상 있어야 마감할 수 있어요."
    )
    shot(page, "admin-party-action-desktop.png")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "admin-party-action-phone.png")

    assert Party.objects.get(pk=ready.pk).status == PartyStatus.CLOSED
    assert Party.objects.get(pk=alone.pk).status == PartyStatus.RECRUITING
