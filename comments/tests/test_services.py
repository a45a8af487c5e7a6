"""Asking, replying and deleting: who may, when, what is stored, what is emitted and who is
notified; every refusal writes nothing and notifies no one."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment
from comments.selectors import party_comments
from comments.services import comment_create, comment_delete, comment_hide
from common.errors import DomainError
from notifications.models import Notification, OutboxEvent
from parties.models import Party, PartyStatus
from parties.services import party_cancel, party_close, party_join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMMENT_EVENTS = ("comment.created", "comment.replied")


def comment_events() -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type__in=COMMENT_EVENTS).order_by("id"))


def refused(code: str, status: int, **kwargs) -> DomainError:
    """Run comment_create expecting a refusal; assert nothing was written or emitted."""
    before = (Comment.objects.count(), len(comment_events()), Notification.objects.count())
    with pytest.raises(DomainError) as caught:
        comment_create(**kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
    after = (Comment.objects.count(), len(comment_events()), Notification.objects.count())
    assert after == before
    return caught.value


def ask(party, user, body="몇 시에 만나요?"):
    return comment_create(party_id=party.pk, user=user, body=body)


def reply(question, user, body="저녁 7시예요."):
    return comment_create(party_id=question.party_id, user=user, body=body, parent_id=question.pk)


# --- asking and replying ---------------------------------------------------------------------


def test_a_resident_asks_a_recruiting_party_and_the_event_names_the_leader(party, asker, events):
    question = ask(party, asker, body="  만나는 곳이 어디예요?  ")
    assert question.body == "만나는 곳이 어디예요?"  # stripped
    assert question.parent_id is None and question.author == asker
    [event] = comment_events()
    assert event.type == "comment.created"
    assert event.actor_id == asker.pk
    assert event.payload["party_id"] == party.pk
    assert event.payload["comment_id"] == question.pk
    assert event.payload["leader_id"] == party.leader_id
    assert event.payload["user_id"] == asker.pk
    assert event.routing_key == "region.서울특별시.용산구"


def test_the_leader_replies_and_the_event_names_the_asker(party, leader, asker):
    question = ask(party, asker)
    answer = reply(question, leader)
    assert answer.parent_id == question.pk
    event = comment_events()[-1]
    assert event.type == "comment.replied"
    assert event.payload["asker_id"] == asker.pk
    assert event.payload["parent_id"] == question.pk
    assert event.payload["user_id"] == leader.pk


def test_only_the_leader_replies(party, asker):
    question = ask(party, asker)
    for someone in (asker, UserFactory()):
        refused(
            "not_leader", 403, party_id=party.pk, user=someone, body="답", parent_id=question.pk
        )


def test_a_reply_cannot_be_replied_to(party, leader, asker):
    answer = reply(ask(party, asker), leader)
    refused(
        "reply_to_reply", 400, party_id=party.pk, user=leader, body="또 답", parent_id=answer.pk
    )


def test_a_reply_needs_a_visible_question_of_the_same_party(party, leader, asker):
    from tests.factories import make_party

    other = ask(make_party(), asker)
    refused("comment_not_found", 404, party_id=party.pk, user=leader, body="답", parent_id=other.pk)
    gone = ask(party, asker)
    comment_delete(comment_id=gone.pk, user=asker)
    refused("comment_not_found", 404, party_id=party.pk, user=leader, body="답", parent_id=gone.pk)
    hidden = ask(party, asker)
    comment_hide(comment_id=hidden.pk)
    refused(
        "comment_not_found", 404, party_id=party.pk, user=leader, body="답", parent_id=hidden.pk
    )
    refused("comment_not_found", 404, party_id=party.pk, user=leader, body="답", parent_id=10**15)


def test_an_unknown_party_is_not_found(asker):
    refused("party_not_found", 404, party_id=10**15, user=asker, body="질문")


# --- the body ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["", "   ", "\n\t ", "a" * 501, "사과\x00", "x\ud800y"],
    ids=["empty", "spaces", "whitespace", "501-chars", "nul", "surrogate"],
)
def test_a_body_that_is_empty_too_long_or_not_storable_is_refused(party, asker, body):
    error = refused("invalid_content", 400, party_id=party.pk, user=asker, body=body)
    assert error.message  # Korean, for the form


def test_a_body_of_exactly_500_characters_is_taken_and_crlf_counts_once(party, asker):
    assert len(ask(party, asker, body="가" * 500).body) == 500
    typed = "첫 줄\r\n" + "나" * 495  # 501 as sent by a browser, 500 as typed
    assert ask(party, asker, body=typed).body == "첫 줄\n" + "나" * 495


def test_the_database_refuses_an_empty_body_even_past_the_service(party, asker):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(party=party, author=asker, body="")


# --- the party's state -------------------------------------------------------------------------


def close(party):
    party_join(party_id=party.pk, user=UserFactory())
    party_close(party_id=party.pk, user=party.leader)


def test_questions_are_refused_once_recruitment_closed(party, leader, asker):
    question = ask(party, asker)
    close(party)
    refused("party_not_recruiting", 409, party_id=party.pk, user=asker, body="질문")
    # ... but the leader still answers what was asked while it recruited.
    assert reply(question, leader).parent_id == question.pk


def test_questions_are_refused_past_the_deadline_before_the_settle_task_ran(party, asker):
    Party.objects.filter(pk=party.pk).update(recruit_until=timezone.now() - timedelta(minutes=1))
    refused("party_not_recruiting", 409, party_id=party.pk, user=asker, body="질문")


def test_a_cancelled_party_takes_neither_questions_nor_replies(party, leader, asker):
    question = ask(party, asker)
    party_cancel(party_id=party.pk, user=leader)
    refused("party_not_recruiting", 409, party_id=party.pk, user=asker, body="질문")
    refused(
        "party_cancelled", 409, party_id=party.pk, user=leader, body="답", parent_id=question.pk
    )


def test_the_leader_may_still_reply_after_the_party_completed(party, leader, asker):
    question = ask(party, asker)
    past = timezone.now() - timedelta(hours=1)
    Party.objects.filter(pk=party.pk).update(
        status=PartyStatus.COMPLETED, recruit_until=past - timedelta(hours=1), meet_at=past
    )
    assert reply(question, leader).pk


# --- deleting -------------------------------------------------------------------------------------


def test_the_author_deletes_their_question_and_a_second_delete_is_not_found(party, asker):
    question = ask(party, asker)
    comment_delete(comment_id=question.pk, user=asker)
    question.refresh_from_db()
    assert question.deleted_at is not None  # kept, stamped
    with pytest.raises(DomainError) as caught:
        comment_delete(comment_id=question.pk, user=asker)
    assert (caught.value.code, caught.value.status) == ("comment_not_found", 404)


def test_the_leader_deletes_anyones_comment_on_their_party(party, leader, asker):
    question = ask(party, asker)
    comment_delete(comment_id=question.pk, user=leader)
    assert Comment.objects.get(pk=question.pk).deleted_at is not None


def test_someone_else_may_not_delete(party, leader, asker):
    question = ask(party, asker)
    answer = reply(question, leader)
    for comment in (question, answer):
        with pytest.raises(DomainError) as caught:
            comment_delete(comment_id=comment.pk, user=UserFactory())
        assert (caught.value.code, caught.value.status) == ("not_comment_author", 403)
        assert Comment.objects.get(pk=comment.pk).deleted_at is None
    # The asker may not delete the leader's reply either.
    with pytest.raises(DomainError):
        comment_delete(comment_id=answer.pk, user=asker)


def test_a_delete_through_another_partys_path_is_not_found(party, asker):
    from tests.factories import make_party

    question = ask(party, asker)
    with pytest.raises(DomainError) as caught:
        comment_delete(comment_id=question.pk, user=asker, party_id=make_party().pk)
    assert caught.value.status == 404
    assert Comment.objects.get(pk=question.pk).deleted_at is None


def test_hiding_is_idempotent_and_a_hidden_comment_cannot_be_deleted(party, asker):
    question = ask(party, asker)
    first = comment_hide(comment_id=question.pk).hidden_at
    assert comment_hide(comment_id=question.pk).hidden_at == first
    with pytest.raises(DomainError) as caught:
        comment_delete(comment_id=question.pk, user=asker)
    assert caught.value.status == 404
    with pytest.raises(DomainError):
        comment_hide(comment_id=10**15)


# --- what residents see --------------------------------------------------------------------------


def test_residents_see_questions_in_order_with_visible_replies_only(party, leader, asker):
    first, second = ask(party, asker, "첫 질문"), ask(party, UserFactory(), "두 번째 질문")
    kept = reply(first, leader, "답 1")
    comment_delete(comment_id=reply(first, leader, "지운 답").pk, user=leader)
    comment_hide(comment_id=reply(first, leader, "숨긴 답").pk)
    questions = list(party_comments(party_id=party.pk))
    assert [q.pk for q in questions] == [first.pk, second.pk]
    assert [r.pk for r in questions[0].visible_replies] == [kept.pk]
    assert questions[1].visible_replies == []


def test_a_deleted_question_stays_as_a_placeholder_only_while_it_has_replies(party, leader, asker):
    answered, lonely = ask(party, asker, "답 있는 질문"), ask(party, asker, "답 없는 질문")
    answer = reply(answered, leader)
    comment_delete(comment_id=answered.pk, user=asker)
    comment_delete(comment_id=lonely.pk, user=asker)
    [placeholder] = party_comments(party_id=party.pk)
    assert placeholder.pk == answered.pk and placeholder.deleted_at is not None
    comment_delete(comment_id=answer.pk, user=leader)
    assert list(party_comments(party_id=party.pk)) == []


def test_a_hidden_question_is_never_shown_nor_its_replies(party, leader, asker):
    question = ask(party, asker)
    reply(question, leader)
    comment_hide(comment_id=question.pk)
    assert list(party_comments(party_id=party.pk)) == []


def test_reading_a_party_takes_two_queries_however_many_comments(
    party, leader, asker, django_assert_num_queries
):
    for n in range(5):
        reply(ask(party, UserFactory(), f"질문 {n}"), leader, f"답 {n}")
    with django_assert_num_queries(2):  # questions with authors, then every reply with its
        questions = list(party_comments(party_id=party.pk))
        names = [
            (q.author.nickname, [r.author.nickname for r in q.visible_replies]) for q in questions
        ]
    assert len(names) == 5


# --- rate limit ---------------------------------------------------------------------------------


def test_too_many_comments_in_a_window_are_refused_with_when_to_retry(
    party, asker, settings, private_cache
):
    settings.COMMENT_RATE_LIMIT = 2
    ask(party, asker)
    ask(party, asker)
    error = refused("rate_limited", 429, party_id=party.pk, user=asker, body="세 번째")
    assert 1 <= error.details["retry_after_seconds"] <= settings.COMMENT_RATE_WINDOW_SECONDS
    assert ask(party, UserFactory()).pk  # per user: others are unaffected


# --- notifications --------------------------------------------------------------------------------


def notified(event_type: str) -> dict[int, str]:
    return {n.user_id: n.data["message"] for n in Notification.objects.filter(type=event_type)}


def test_the_leader_hears_of_a_question_and_the_asker_of_the_reply(
    party, leader, asker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(party, asker)
    assert notified("comment.created") == {leader.pk: "궁금이님이 질문을 남겼어요: 키친타월 나눠요"}
    with django_capture_on_commit_callbacks(execute=True):
        reply(question, leader)
    assert list(notified("comment.replied")) == [asker.pk]
    assert "파티장님" in notified("comment.replied")[asker.pk]
    notification = Notification.objects.get(type="comment.replied")
    assert notification.party_id == party.pk
    assert notification.data["url"] == f"/parties/{party.pk}/"


def test_no_one_is_notified_of_their_own_action(party, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(party, leader)  # the leader asks on their own party: a notice
        reply(question, leader)
    assert Notification.objects.count() == 0
    assert len(comment_events()) == 2
