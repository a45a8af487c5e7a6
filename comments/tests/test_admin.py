"""Questions and replies in the admin, for moderation: read in Korean, not editable, hidden
through the comments service (kept for the record, gone for residents)."""

import pytest

from comments.models import Comment
from comments.services import comment_create
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


def test_hide_action_hides_a_question_through_the_service(admin_client):
    party = make_party(title="계란 한 판 나눠요")
    asker = UserFactory(nickname="궁금이")
    question = comment_create(party_id=party.id, user=asker, body="유정란인가요?")

    listing = admin_client.get("/admin/comments/comment/").content.decode()
    assert "질문·답변" in listing and "유정란인가요?" in listing
    assert str(question) == "계란 한 판 나눠요 — 질문: 유정란인가요?"

    response = admin_client.post(
        "/admin/comments/comment/",
        {"action": "hide_comments", "_selected_action": [question.pk]},
        follow=True,
    )

    assert "질문·답변 1건을 가렸어요." in [str(m) for m in response.context["messages"]]
    assert Comment.objects.get(pk=question.pk).hidden_at is not None
    assert not Comment.objects.visible().filter(pk=question.pk).exists()


def test_comments_cannot_be_rewritten_or_deleted_in_the_admin(admin_client):
    party = make_party()
    question = comment_create(party_id=party.id, user=UserFactory(), body="몇 시에 만나요?")
    assert admin_client.get("/admin/comments/comment/add/").status_code == 403
    admin_client.post(f"/admin/comments/comment/{question.pk}/change/", {"body": "바꾼 말"})
    admin_client.post(f"/admin/comments/comment/{question.pk}/delete/", {"post": "yes"})
    assert Comment.objects.get(pk=question.pk).body == "몇 시에 만나요?"
