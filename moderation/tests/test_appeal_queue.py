"""The admins' appeal queue: both sides' statements and the party's chat on one page; the
uphold and revoke buttons decide through the service, and both sides hear it."""

import pytest
from django.test import TestCase

from chat.services import MessageDraft, chat_messages_send, chat_room_open
from notifications.models import Notification
from penalties.models import AppealStatus, Penalty, PenaltyAppeal
from penalties.selectors import user_penalty_standing
from penalties.services import penalty_appeal
from penalties.tests.conftest import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def appealed(met_party):
    leader, member = met_party["leader"], met_party["member"]
    party = met_party["party"]
    chat_room_open(party_id=party.id)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = chat_messages_send(
            drafts=[MessageDraft(party_id=party.id, user=member, content="5분 뒤 도착해요")]
        )
    assert not any(isinstance(result, Exception) for result in sent)
    penalty = grant(party, leader, member)
    with TestCase.captureOnCommitCallbacks(execute=True):
        appeal = penalty_appeal(penalty_id=penalty.id, user=member, reason="도착했는데 안 계셨어요")
    return appeal


def test_queue_lists_pending_appeals_and_filters_by_status(admin_client, appealed):
    page = admin_client.get("/admin/penalties/penaltyappeal/?status__exact=pending")
    assert page.status_code == 200
    assert appealed.penalty.user.nickname in page.content.decode()
    empty = admin_client.get("/admin/penalties/penaltyappeal/?status__exact=upheld")
    assert appealed.penalty.user.nickname not in empty.content.decode()


def test_appeal_page_shows_both_sides_and_the_chat(admin_client, appealed):
    page = admin_client.get(f"/admin/penalties/penaltyappeal/{appealed.id}/change/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "도착했는데 안 계셨어요" in body  # the member's side
    assert "약속에 오지 않음" in body  # the leader's side
    assert "5분 뒤 도착해요" in body  # the party's chat
    assert 'name="_revoke"' in body and 'name="_uphold"' in body


def test_revoke_button_revokes_notifies_both_and_frees_the_count(
    admin_client, appealed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/penalties/penaltyappeal/{appealed.id}/change/",
            {"_revoke": "1", "decision_note": "채팅 기록 확인"},
        )
    assert response.status_code == 302
    appeal = PenaltyAppeal.objects.get(pk=appealed.pk)
    assert (appeal.status, appeal.decision_note) == (AppealStatus.REVOKED, "채팅 기록 확인")
    assert Penalty.objects.get(pk=appeal.penalty_id).revoked_at is not None
    assert user_penalty_standing(user_id=appeal.penalty.user_id).no_show_count == 0
    notified = set(
        Notification.objects.filter(type="penalty.appeal_revoked").values_list("user_id", flat=True)
    )
    assert notified == {appeal.penalty.user_id, appeal.penalty.given_by_id}


def test_uphold_action_on_the_list_keeps_the_penalty(
    admin_client, appealed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/penalties/penaltyappeal/",
            {"action": "uphold_selected", "_selected_action": [appealed.id]},
        )
    assert PenaltyAppeal.objects.get(pk=appealed.pk).status == AppealStatus.UPHELD
    assert Penalty.objects.get(pk=appealed.penalty_id).revoked_at is None
    assert Notification.objects.filter(type="penalty.appeal_upheld").count() == 2


def test_plain_save_on_the_appeal_page_changes_nothing(admin_client, appealed):
    admin_client.post(
        f"/admin/penalties/penaltyappeal/{appealed.id}/change/", {"decision_note": "몰래"}
    )
    appeal = PenaltyAppeal.objects.get(pk=appealed.pk)
    assert (appeal.status, appeal.decision_note) == (AppealStatus.PENDING, "")
