"""The comments API: public reads, signed-in writes, errors by code, 429 with Retry-After."""

import pytest

from comments.models import Comment
from comments.services import comment_create, comment_delete, comment_hide
from notifications.models import OutboxEvent
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


def url(party_id: int) -> str:
    return f"/api/v1/parties/{party_id}/comments"


def post(client, party, user, **data):
    client.force_authenticate(user)
    return client.post(url(party.pk), data, format="json")


def test_anyone_reads_a_partys_questions_with_replies(api_client, party, leader, asker):
    question = comment_create(party_id=party.pk, user=asker, body="몇 시에 만나요?")
    comment_create(party_id=party.pk, user=leader, body="7시요.", parent_id=question.pk)
    response = api_client.get(url(party.pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    [item] = body["results"]
    assert item["id"] == question.pk
    assert item["parent"] is None
    assert item["author"] == {"id": asker.pk, "nickname": "궁금이"}
    assert item["content"] == "몇 시에 만나요?"
    assert (item["deleted"], item["by_leader"]) == (False, False)
    [answer] = item["replies"]
    assert answer["parent"] == question.pk
    assert (answer["content"], answer["by_leader"]) == ("7시요.", True)


def test_a_deleted_question_with_replies_is_a_placeholder_and_hidden_ones_are_gone(
    api_client, party, leader, asker
):
    answered = comment_create(party_id=party.pk, user=asker, body="비밀 질문")
    comment_create(party_id=party.pk, user=leader, body="답", parent_id=answered.pk)
    comment_delete(comment_id=answered.pk, user=asker)
    hidden = comment_create(party_id=party.pk, user=asker, body="숨길 질문")
    comment_hide(comment_id=hidden.pk)
    [item] = api_client.get(url(party.pk)).json()["results"]
    assert item["id"] == answered.pk
    assert (item["deleted"], item["author"], item["content"]) == (True, None, "")
    assert len(item["replies"]) == 1


def test_questions_page_through_and_an_unknown_party_is_a_json_404(api_client, party, asker):
    for n in range(3):
        comment_create(party_id=party.pk, user=UserFactory(), body=f"질문 {n}")
    page = api_client.get(url(party.pk), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    missing = api_client.get(url(10**15))
    assert missing.status_code == 404
    assert missing.json()["code"] == "party_not_found"
    assert api_client.get(url(party.pk), {"page": 9}).status_code == 404


def test_asking_needs_a_signed_in_user(api_client, party):
    response = api_client.post(url(party.pk), {"content": "질문"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Comment.objects.count() == 0


def test_a_question_and_the_leaders_reply_are_created(api_client, party, leader, asker):
    asked = post(api_client, party, asker, content="  주차 되나요?  ")
    assert asked.status_code == 201
    question = asked.json()
    assert question["content"] == "주차 되나요?"
    assert question["author"]["id"] == asker.pk and question["parent"] is None
    answered = post(api_client, party, leader, content="돼요.", parent=question["id"])
    assert answered.status_code == 201
    assert answered.json()["parent"] == question["id"]
    assert answered.json()["by_leader"] is True


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"content": ""}, "invalid_content"),
        ({"content": "   "}, "invalid_content"),
        ({"content": "가" * 501}, "invalid_content"),
        ({"content": "널\x00문자"}, "invalid_content"),
        ({}, "invalid"),
        ({"content": "질문", "parent": "abc"}, "invalid"),
        ({"content": "질문", "parent": 0}, "invalid"),
    ],
)
def test_bad_input_is_a_400_with_a_code_and_writes_nothing(api_client, party, asker, data, code):
    response = post(api_client, party, asker, **data)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert Comment.objects.count() == 0
    assert not OutboxEvent.objects.filter(type__startswith="comment.").exists()


def test_a_lone_surrogate_escaped_in_json_is_a_400_not_a_500(api_client, party, asker):
    api_client.force_authenticate(asker)
    raw = b'{"content": "x\\ud800y"}'  # valid JSON, text PostgreSQL cannot store
    response = api_client.post(url(party.pk), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_content"
    assert Comment.objects.count() == 0


def test_refusals_carry_their_codes(api_client, party, leader, asker):
    question = post(api_client, party, asker, content="질문").json()
    not_leader = post(api_client, party, asker, content="제가 답해요", parent=question["id"])
    assert (not_leader.status_code, not_leader.json()["code"]) == (403, "not_leader")
    answer = post(api_client, party, leader, content="답", parent=question["id"]).json()
    nested = post(api_client, party, leader, content="답의 답", parent=answer["id"])
    assert (nested.status_code, nested.json()["code"]) == (400, "reply_to_reply")
    from parties.services import party_cancel

    party_cancel(party_id=party.pk, user=leader)
    closed = post(api_client, party, asker, content="아직 하나요?")
    assert (closed.status_code, closed.json()["code"]) == (409, "party_not_recruiting")


def test_too_many_posts_are_a_429_with_retry_after(
    api_client, party, asker, settings, private_cache
):
    settings.COMMENT_RATE_LIMIT = 1
    assert post(api_client, party, asker, content="하나").status_code == 201
    response = post(api_client, party, asker, content="둘")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("nested", [True, False], ids=["party-path", "comment-path"])
def test_the_author_deletes_then_it_is_gone(api_client, party, asker, nested):
    question = comment_create(party_id=party.pk, user=asker, body="질문")
    path = f"{url(party.pk)}/{question.pk}" if nested else f"/api/v1/comments/{question.pk}"
    api_client.force_authenticate(asker)
    assert api_client.delete(path).status_code == 204
    again = api_client.delete(path)
    assert (again.status_code, again.json()["code"]) == (404, "comment_not_found")
    assert api_client.get(url(party.pk)).json()["count"] == 0


def test_the_leader_deletes_but_a_stranger_may_not(api_client, party, leader, asker):
    question = comment_create(party_id=party.pk, user=asker, body="질문")
    api_client.force_authenticate(UserFactory())
    stranger = api_client.delete(f"/api/v1/comments/{question.pk}")
    assert (stranger.status_code, stranger.json()["code"]) == (403, "not_comment_author")
    api_client.force_authenticate(leader)
    assert api_client.delete(f"/api/v1/comments/{question.pk}").status_code == 204


def test_deleting_needs_a_signed_in_user_and_the_right_party(api_client, party, asker):
    question = comment_create(party_id=party.pk, user=asker, body="질문")
    assert api_client.delete(f"/api/v1/comments/{question.pk}").status_code == 401
    api_client.force_authenticate(asker)
    other = make_party()
    assert api_client.delete(f"{url(other.pk)}/{question.pk}").status_code == 404
    assert Comment.objects.get(pk=question.pk).deleted_at is None
