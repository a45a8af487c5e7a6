"""The party admin is safe: status, counters and members are not edited by hand (they would
skip the rules, the counters and the members' notifications); transitions are actions that
go through the services and report, per party, what happened or the rule that said no."""

import pytest

from notifications.models import Notification
from parties.models import Membership, Party, PartyStatus
from parties.services import party_join
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


def change_form_data(party: Party, **overrides) -> dict:
    """What the change form posts: its editable fields and an untouched member inline."""
    members = list(party.memberships.order_by("id"))
    data = {
        "title": party.title,
        "description": party.description,
        "meeting_note": party.meeting_note,
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(len(members)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "저장",
    }
    for index, membership in enumerate(members):
        data[f"memberships-{index}-id"] = str(membership.pk)
        data[f"memberships-{index}-party"] = str(party.pk)
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_party_change_form_keeps_status_and_counters_read_only(admin_client):
    party = make_party(capacity=4)
    page = admin_client.get(f"/admin/parties/party/{party.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="status"' not in body
    assert 'name="member_count"' not in body and 'name="capacity"' not in body

    response = admin_client.post(
        f"/admin/parties/party/{party.pk}/change/",
        change_form_data(
            party,
            title="사과 한 박스 (수정)",
            status=PartyStatus.COMPLETED,
            member_count="4",
            capacity="20",
        ),
    )

    assert response.status_code == 302
    party.refresh_from_db()
    assert party.title == "사과 한 박스 (수정)"  # the words may be corrected
    assert (party.status, party.member_count, party.capacity) == (PartyStatus.RECRUITING, 1, 4)


def test_party_admin_cannot_add_members_beyond_capacity(admin_client):
    party = make_party(capacity=2)
    party_join(party_id=party.pk, user=UserFactory())  # full: closed at 2 of 2
    outsider = UserFactory()
    page = admin_client.get(f"/admin/parties/party/{party.pk}/change/").content.decode()
    assert 'id="memberships-empty"' not in page  # no "add another member" row
    assert 'name="memberships-0-user"' not in page  # nor a member to swap for another
    data = change_form_data(party)
    count = int(data["memberships-TOTAL_FORMS"])
    data.update(
        {
            "memberships-TOTAL_FORMS": str(count + 1),
            f"memberships-{count}-user": str(outsider.pk),
            f"memberships-{count}-role": "member",
            f"memberships-{count}-party": str(party.pk),
        }
    )

    admin_client.post(f"/admin/parties/party/{party.pk}/change/", data)

    assert not Membership.objects.filter(party=party, user=outsider).exists()
    party.refresh_from_db()
    assert (party.member_count, party.memberships.active().count()) == (2, 2)
    assert admin_client.get("/admin/parties/membership/add/").status_code == 404
    assert admin_client.get("/admin/parties/party/add/").status_code == 403


def test_close_action_closes_through_the_service_and_tells_the_members_and_the_leader(
    admin_client, django_capture_on_commit_callbacks
):
    party = make_party(capacity=4)
    member = UserFactory()
    party_join(party_id=party.pk, user=member)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/parties/party/",
            {"action": "close_recruiting", "_selected_action": [party.pk]},
            follow=True,
        )

    party.refresh_from_db()
    assert party.status == PartyStatus.CLOSED and party.closed_at is not None
    assert f"‘{party.title}’: 모집을 마감했어요." in messages_of(response)
    assert Notification.objects.filter(user=member, party_id=party.pk).exists()
    # Support pressed the button, not the leader: the leader hears of it too.
    assert Notification.objects.filter(user=party.leader, party_id=party.pk).exists()


def test_close_action_refuses_with_the_rules_message_and_changes_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    alone = make_party(capacity=4, title="혼자인 파티")  # the leader only: too small to close
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/parties/party/",
            {"action": "close_recruiting", "_selected_action": [alone.pk]},
            follow=True,
        )

    assert "‘혼자인 파티’: 파티원이 한 명 이상 있어야 마감할 수 있어요." in messages_of(response)
    alone.refresh_from_db()
    assert (alone.status, alone.closed_at) == (PartyStatus.RECRUITING, None)
    assert not Notification.objects.filter(party_id=alone.pk).exists()


def test_cancel_action_reports_each_party_on_its_own(
    admin_client, django_capture_on_commit_callbacks
):
    open_party = make_party(title="열린 파티")
    done = make_party(title="끝난 파티")
    Party.objects.filter(pk=done.pk).update(status=PartyStatus.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/parties/party/",
            {"action": "cancel_parties", "_selected_action": [open_party.pk, done.pk]},
            follow=True,
        )

    shown = messages_of(response)
    assert "‘열린 파티’: 파티를 취소했어요. 파티원에게 알림이 가요." in shown
    assert "‘끝난 파티’: 이미 끝난 파티예요." in shown
    assert Party.objects.get(pk=open_party.pk).status == PartyStatus.CANCELLED


def test_party_admin_pages_read_in_korean(admin_client):
    party = make_party()
    body = admin_client.get(f"/admin/parties/party/{party.pk}/change/").content.decode()
    for label in ("모집 마감된 시각", "참여한 시각", "파티장"):
        assert label in body
    for english in ("Closed at", "Joined at", "Left at", "Updated at"):
        assert english not in body
    assert f"{party.leader.nickname} · {party.title}" == str(party.memberships.get())
