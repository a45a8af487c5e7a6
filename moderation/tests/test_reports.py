"""Reports: residents report a user, a party, a comment or a chat message they can see, once
while it is open; admins dismiss, hide the content (kept for the record) or suspend the user;
the reporters hear it."""

import pytest
from django.test import TestCase

from chat.models import ChatMessage
from chat.services import MessageDraft, chat_messages_send, chat_room_open
from comments.services import comment_create
from moderation.models import Report, ReportStatus
from moderation.services import report_create, report_decide
from notifications.models import Notification
from parties.models import Party, PartyStatus
from parties.services import party_join
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def party():
    return make_party(capacity=3, title="수상한 파티")


def report(reporter, target_type, target_id, reason="광고예요"):
    return report_create(
        reporter=reporter, target_type=target_type, target_id=target_id, reason=reason
    )


def decide(report_row, admin, decision):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return report_decide(report_id=report_row.id, admin=admin, decision=decision)


def test_reporting_a_party_once_then_409(api_client, party):
    reporter = UserFactory()
    api_client.force_authenticate(reporter)
    body = {"target_type": "party", "target_id": party.id, "reason": "돈만 받고 안 나와요"}
    first = api_client.post("/api/v1/reports", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "open"
    again = api_client.post("/api/v1/reports", body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "report_exists")
    report_row = Report.objects.get()
    assert report_row.target_user_id == party.leader_id


@pytest.mark.parametrize(
    "body, status, code",
    [
        (
            {"target_type": "party", "target_id": 10**12, "reason": "?"},
            404,
            "report_target_not_found",
        ),
        ({"target_type": "planet", "target_id": 1, "reason": "?"}, 400, "invalid"),
        ({"target_type": "party", "target_id": 1, "reason": ""}, 400, "invalid"),
    ],
)
def test_bad_reports_are_refused_and_write_nothing(api_client, party, body, status, code):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/reports", body, format="json")
    assert response.status_code == status
    assert code in response.json()["code"]
    assert not Report.objects.exists()


def test_nobody_reports_themselves(party):
    with pytest.raises(Exception) as refused:
        report(party.leader, "party", party.id)
    assert refused.value.code == "report_self"


def test_a_chat_message_can_be_reported_only_by_who_can_read_it(party):
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    chat_room_open(party_id=party.id)
    (message,) = chat_messages_send(
        drafts=[MessageDraft(party_id=party.id, user=member, content="바보")]
    )
    with pytest.raises(Exception) as refused:
        report(UserFactory(), "message", message.id)
    assert refused.value.code == "report_target_not_found"
    assert report(party.leader, "message", message.id).target_user_id == member.id


def test_reports_are_rate_limited(settings, party):
    settings.REPORTS_PER_HOUR = 2
    reporter = UserFactory()
    for _ in range(2):
        report(reporter, "user", UserFactory().id)
    with pytest.raises(Exception) as refused:
        report(reporter, "user", UserFactory().id)
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert Report.objects.count() == 2


def test_dismiss_resolves_every_open_report_on_the_target_and_tells_the_reporters(party, admin):
    first, second = UserFactory(), UserFactory()
    row = report(first, "party", party.id)
    report(second, "party", party.id)
    assert decide(row, admin, "dismiss") == 2
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DISMISSED}
    told = set(
        Notification.objects.filter(type="report.resolved").values_list("user_id", flat=True)
    )
    assert told == {first.id, second.id}
    assert Party.objects.get(pk=party.pk).hidden_at is None


def test_hiding_a_party_takes_it_down_for_residents_and_cancels_it(party, admin, client):
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    decide(report(UserFactory(), "party", party.id), admin, "hide")
    party.refresh_from_db()
    assert party.hidden_at is not None and party.status == PartyStatus.CANCELLED
    assert Notification.objects.filter(type="party.cancelled", user=member).exists()
    client.force_login(member)
    assert client.get(f"/parties/{party.id}/").status_code == 404
    assert client.get(f"/api/v1/parties/{party.id}").status_code == 404
    assert party.title not in client.get("/parties/mine/").content.decode()
    client.force_login(admin)
    assert client.get(f"/parties/{party.id}/").status_code == 200  # kept for the record


def test_hiding_a_comment_removes_it_from_the_questions(party, admin, api_client):
    asker = UserFactory()
    comment = comment_create(party_id=party.id, user=asker, body="전화번호 주세요 010-…")
    decide(report(UserFactory(), "comment", comment.id), admin, "hide")
    listed = api_client.get(f"/api/v1/parties/{party.id}/comments").json()["results"]
    assert all(question["id"] != comment.id for question in listed)


def test_hiding_a_message_removes_it_from_the_history(party, admin, api_client):
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    chat_room_open(party_id=party.id)
    (message,) = chat_messages_send(
        drafts=[MessageDraft(party_id=party.id, user=member, content="욕설")]
    )
    decide(report(party.leader, "message", message.id), admin, "hide")
    assert ChatMessage.objects.get(pk=message.pk).hidden_at is not None
    api_client.force_authenticate(party.leader)
    history = api_client.get(f"/api/v1/parties/{party.id}/messages").json()["results"]
    assert all(m["id"] != message.id for m in history)


def test_a_user_cannot_be_hidden_only_suspended(admin):
    target = UserFactory()
    row = report(UserFactory(), "user", target.id)
    with pytest.raises(Exception) as refused:
        decide(row, admin, "hide")
    assert refused.value.code == "cannot_hide_user"
    assert Report.objects.get(pk=row.pk).status == ReportStatus.OPEN
    decide(row, admin, "suspend")
    target.refresh_from_db()
    assert target.suspended_at is not None and not target.is_active


def test_a_decided_report_cannot_be_decided_again(party, admin):
    row = report(UserFactory(), "party", party.id)
    decide(row, admin, "dismiss")
    with pytest.raises(Exception) as refused:
        decide(row, admin, "hide")
    assert refused.value.code == "report_decided"
    assert Party.objects.get(pk=party.pk).hidden_at is None


def test_the_report_page_works_without_javascript(client, party):
    reporter = UserFactory()
    client.force_login(reporter)
    page = client.get(f"/parties/{party.id}/").content.decode()
    assert 'data-testid="report-party"' in page
    form = client.get(f"/reports/new/?type=party&id={party.id}&next=/parties/{party.id}/")
    assert form.status_code == 200 and 'data-testid="report-form"' in form.content.decode()
    done = client.post(
        "/reports/new/",
        {"type": "party", "id": party.id, "next": f"/parties/{party.id}/", "reason": "사기 같아요"},
        follow=True,
    )
    assert "신고를 받았어요" in done.content.decode()
    assert Report.objects.get().reason == "사기 같아요"
    outside = client.post(
        "/reports/new/",
        {"type": "party", "id": party.id, "next": "https://evil.example/", "reason": "x"},
    )
    assert outside.url == "/"  # never sent elsewhere


def test_admin_report_queue_shows_the_target_and_suspends(admin_client, party):
    member = UserFactory(nickname="말썽이웃")
    party_join(party_id=party.id, user=member)
    chat_room_open(party_id=party.id)
    (message,) = chat_messages_send(
        drafts=[MessageDraft(party_id=party.id, user=member, content="나쁜 말")]
    )
    row = report(party.leader, "message", message.id, reason="욕을 해요")
    page = admin_client.get(f"/admin/moderation/report/{row.id}/change/").content.decode()
    assert "나쁜 말" in page and "욕을 해요" in page and 'name="_suspend"' in page
    admin_client.post(f"/admin/moderation/report/{row.id}/change/", {"_suspend": "1"})
    member.refresh_from_db()
    assert member.suspended_at is not None
    assert Report.objects.get(pk=row.pk).status == ReportStatus.SUSPENDED
