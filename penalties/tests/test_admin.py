"""The penalty admin cannot change a penalty by hand (the cached counts and the block would
go wrong): every field is read-only, nothing is deleted, and revoking goes through the
service, which recounts."""

import pytest

from penalties.models import Penalty, PenaltyReason
from penalties.selectors import user_penalty_standing
from penalties.tests.conftest import grant

pytestmark = pytest.mark.django_db


def test_penalty_reads_as_party_reason_and_member(met_party):
    penalty = grant(met_party["party"], met_party["leader"], met_party["member"])
    assert str(penalty) == f"{met_party['party'].title} — 약속에 오지 않음 (안온사람)"


def test_penalty_change_form_changes_nothing(admin_client, met_party):
    penalty = grant(met_party["party"], met_party["leader"], met_party["member"])
    page = admin_client.get(f"/admin/penalties/penalty/{penalty.pk}/change/").content.decode()
    assert 'name="reason"' not in page and 'name="user"' not in page

    admin_client.post(
        f"/admin/penalties/penalty/{penalty.pk}/change/",
        {"reason": PenaltyReason.OTHER, "user": met_party["other"].pk, "note": "바꿈"},
    )
    admin_client.post(f"/admin/penalties/penalty/{penalty.pk}/delete/", {"post": "yes"})

    penalty.refresh_from_db()
    assert (penalty.reason, penalty.user_id, penalty.note) == (
        PenaltyReason.NO_SHOW,
        met_party["member"].pk,
        "",
    )
    assert user_penalty_standing(user_id=met_party["member"].pk).no_show_count == 1


def test_revoke_action_takes_the_penalty_out_of_the_count(
    admin_client, met_party, django_capture_on_commit_callbacks
):
    penalty = grant(met_party["party"], met_party["leader"], met_party["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/penalties/penalty/",
            {"action": "revoke", "_selected_action": [penalty.pk]},
            follow=True,
        )
    assert "1건을 취소했어요." in [str(m) for m in response.context["messages"]]
    assert Penalty.objects.get(pk=penalty.pk).revoked_at is not None
    assert user_penalty_standing(user_id=met_party["member"].pk).no_show_count == 0
