"""Due process: the penalised member appeals once within 7 days; an admin upholds or revokes;
both sides hear it; a revoke stops counting at once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.test import TestCase
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from common.errors import DomainError
from notifications.models import Notification, OutboxEvent
from penalties.models import AppealStatus, Penalty, PenaltyAppeal
from penalties.selectors import user_penalty_standing
from penalties.services import penalty_appeal, penalty_appeal_decide
from penalties.tests.conftest import grant
from tests.factories import UserFactory
from tests.servers import daphne

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalty(met_party):
    return grant(met_party["party"], met_party["leader"], met_party["member"])


def appeal(penalty, user=None, reason="5분 늦는다고 채팅에 남기고 도착했어요."):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return penalty_appeal(penalty_id=penalty.id, user=user or penalty.user, reason=reason)


def decide(appeal_row, *, revoke, note=""):
    admin = UserFactory(is_staff=True, is_superuser=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return penalty_appeal_decide(appeal_id=appeal_row.id, admin=admin, revoke=revoke, note=note)


def test_member_appeals_once_via_the_api(api_client, penalty):
    api_client.force_authenticate(penalty.user)
    url = f"/api/v1/penalties/{penalty.id}/appeal"
    first = api_client.post(url, {"reason": "갔는데 못 찾으셨어요."}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "pending"
    again = api_client.post(url, {"reason": "다시 한 번"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "appeal_exists"
    assert PenaltyAppeal.objects.get().reason == "갔는데 못 찾으셨어요."
    mine = api_client.get("/api/v1/me/penalties").json()
    assert mine[0]["appeal"]["status"] == "pending"


def test_only_the_penalised_member_may_appeal(api_client, penalty, met_party):
    for someone in (met_party["leader"], met_party["other"], met_party["outsider"]):
        api_client.force_authenticate(someone)
        response = api_client.post(
            f"/api/v1/penalties/{penalty.id}/appeal", {"reason": "제가 대신"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_your_penalty"
    assert not PenaltyAppeal.objects.exists()
    assert not OutboxEvent.objects.filter(type="penalty.appealed").exists()


def test_appeal_after_seven_days_is_refused(api_client, penalty):
    Penalty.objects.filter(pk=penalty.pk).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    api_client.force_authenticate(penalty.user)
    response = api_client.post(
        f"/api/v1/penalties/{penalty.id}/appeal", {"reason": "늦었지만"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_too_late"
    assert not PenaltyAppeal.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "a\x00b", "가" * 1001])
def test_appeal_needs_a_reason_it_can_store(api_client, penalty, reason):
    api_client.force_authenticate(penalty.user)
    response = api_client.post(
        f"/api/v1/penalties/{penalty.id}/appeal", {"reason": reason}, format="json"
    )
    assert response.status_code == 400
    assert not PenaltyAppeal.objects.exists()


def test_unknown_penalty_is_404(api_client, penalty):
    api_client.force_authenticate(penalty.user)
    response = api_client.post(
        f"/api/v1/penalties/{penalty.id + 1000}/appeal", {"reason": "?"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "penalty_not_found"


def test_revoking_an_appeal_frees_the_count_at_once_and_tells_both_sides(penalty, settings):
    settings.PENALTY_BLOCK_THRESHOLD = 1  # one leader's penalty blocks, to see it lift
    assert user_penalty_standing(user_id=penalty.user_id).blocked_until is not None
    row = appeal(penalty)
    decided = decide(row, revoke=True, note="채팅에 도착했다고 남긴 기록이 있어요.")
    assert decided.status == AppealStatus.REVOKED
    assert Penalty.objects.get(pk=penalty.pk).revoked_at is not None
    standing = user_penalty_standing(user_id=penalty.user_id)
    assert (standing.no_show_count, standing.blocked_until) == (0, None)
    told = Notification.objects.filter(type="penalty.appeal_revoked")
    assert set(told.values_list("user_id", flat=True)) == {penalty.user_id, penalty.given_by_id}
    assert "취소" in told.first().data["message"]


def test_upholding_keeps_the_penalty_and_tells_both_sides(penalty):
    decide(appeal(penalty), revoke=False)
    assert Penalty.objects.get(pk=penalty.pk).revoked_at is None
    assert user_penalty_standing(user_id=penalty.user_id).no_show_count == 1
    told = Notification.objects.filter(type="penalty.appeal_upheld")
    assert set(told.values_list("user_id", flat=True)) == {penalty.user_id, penalty.given_by_id}


def test_a_decided_appeal_cannot_be_decided_again(penalty):
    row = appeal(penalty)
    decide(row, revoke=False)
    with pytest.raises(DomainError) as refused:
        decide(row, revoke=True)
    assert refused.value.code == "appeal_decided"
    assert Penalty.objects.get(pk=penalty.pk).revoked_at is None
    assert OutboxEvent.objects.filter(type="penalty.revoked").count() == 0


def test_a_revoked_penalty_cannot_be_appealed(penalty):
    decide(appeal(penalty), revoke=True)
    with pytest.raises(DomainError) as refused:
        appeal(penalty)
    assert refused.value.code == "appeal_exists"


def test_the_penalties_page_offers_the_appeal_form_without_javascript(client, penalty):
    client.force_login(penalty.user)
    page = client.get("/penalties/mine/").content.decode()
    assert 'data-testid="appeal-form"' in page
    response = client.post(f"/penalties/{penalty.id}/appeal/", {"reason": "갔어요"}, follow=True)
    page = response.content.decode()
    assert "이의 신청을 받았어요" in page
    assert 'data-testid="appeal-form"' not in page
    assert "검토 중" in page
    again = client.post(f"/penalties/{penalty.id}/appeal/", {"reason": "또"}, follow=True)
    assert "이미 이의를 신청했어요" in again.content.decode()
    assert PenaltyAppeal.objects.count() == 1


@pytest.mark.services("postgresql")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_appeals_store_one(met_party):
    from django.db import connection

    assert connection.vendor == "postgresql"
    penalty = grant(met_party["party"], met_party["leader"], met_party["member"])
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(penalty.user).access_token}"}
    barrier = threading.Barrier(20)

    def send(n):
        barrier.wait()
        response = requests.post(url, json={"reason": f"이의 {n}"}, headers=headers, timeout=30)
        return response.status_code, response.json().get("code")

    with daphne() as server:
        url = f"{server.http}/api/v1/penalties/{penalty.id}/appeal"
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(send, range(20)))

    assert sorted(status for status, _ in results) == [201] + [409] * 19
    assert {code for status, code in results if status == 409} == {"appeal_exists"}
    assert PenaltyAppeal.objects.count() == 1
    assert OutboxEvent.objects.filter(type="penalty.appealed").count() == 1
