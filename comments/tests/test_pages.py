"""The Q&A on the party page, without JavaScript: anyone reads; the forms ask, reply and
delete (after a confirmation page) and come back to the Q&A with a message."""

from html import unescape

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_create, comment_delete
from parties.services import party_cancel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def detail(party) -> str:
    return reverse("parties:detail", args=[party.pk])


def create_url(party) -> str:
    return reverse("comments:create", args=[party.pk])


def delete_url(comment) -> str:
    return reverse("comments:delete", args=[comment.party_id, comment.pk])


@pytest.fixture
def question(party, asker):
    return comment_create(party_id=party.pk, user=asker, body="주차할 수 있나요?")


def test_anonymous_visitors_read_questions_and_get_a_login_link(client, party, question, leader):
    comment_create(party_id=party.pk, user=leader, body="네, 지하 2층이요.", parent_id=question.pk)
    html = text(client.get(detail(party)))
    assert 'id="qna"' in html
    assert "주차할 수 있나요?" in html and "네, 지하 2층이요." in html
    assert reverse("profile", args=[question.author_id]) in html
    assert "로그인하고 질문하기" in html
    assert f"{reverse('accounts:login')}?next={detail(party)}%23qna" in html
    assert 'data-testid="qna-ask"' not in html  # no form for anonymous visitors
    assert "답변 남기기" not in html and 'data-testid="qna-delete"' not in html


def test_a_resident_asks_through_the_form_and_lands_on_the_qna(client, party, asker):
    client.force_login(asker)
    page = text(client.get(detail(party)))
    assert 'data-testid="qna-ask"' in page and "아직 질문이 없어요" in page
    response = client.post(create_url(party), {"content": "몇 명 남았어요?"})
    assert response.status_code == 302
    assert response.url == detail(party) + "#qna"
    followed = client.get(response.url)
    assert "질문을 남겼어요. 파티장에게 알림이 가요." in flash(followed)
    assert "몇 명 남았어요?" in text(followed)
    assert Comment.objects.get().author == asker


def test_a_refused_question_keeps_the_text_and_says_why(client, party, asker):
    client.force_login(asker)
    too_long = "가" * 501
    response = client.post(create_url(party), {"content": too_long}, follow=True)
    html = text(response)
    assert "질문과 답변은 500자까지 쓸 수 있어요." in flash(response)
    assert f">{too_long}</textarea>" in html  # the draft comes back in the form
    assert Comment.objects.count() == 0
    # Shown once: the next visit starts clean.
    assert too_long not in text(client.get(detail(party)))


def test_the_leader_replies_from_the_page(client, party, leader, question):
    client.force_login(leader)
    page = text(client.get(detail(party)))
    assert 'data-testid="qna-reply-form"' in page
    response = client.post(
        create_url(party), {"content": "네, 지하 2층이요.", "parent": question.pk}, follow=True
    )
    assert "답변을 남겼어요. 질문한 이웃에게 알림이 가요." in flash(response)
    reply = Comment.objects.get(parent=question)
    assert reply.author == leader and reply.body == "네, 지하 2층이요."


def test_only_the_leader_sees_reply_forms_and_a_member_reply_is_refused(
    client, party, asker, question
):
    client.force_login(asker)
    assert 'data-testid="qna-reply-form"' not in text(client.get(detail(party)))
    response = client.post(
        create_url(party), {"content": "제가 답해요", "parent": question.pk}, follow=True
    )
    assert "파티장만 답할 수 있어요." in flash(response)
    assert Comment.objects.count() == 1


def test_anonymous_posts_go_to_login_and_unknown_parties_are_404(client, party):
    response = client.post(create_url(party), {"content": "질문"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Comment.objects.count() == 0
    assert (
        client.post(reverse("comments:create", args=[10**15]), {"content": "x"}).status_code == 404
    )


def test_delete_links_show_for_the_author_and_the_leader_only(client, party, leader, question):
    link = f'action="{delete_url(question)}" class="inline" data-confirm="이 질문을 삭제할까요?"'
    for user, shown in ((question.author, True), (leader, True), (UserFactory(), False)):
        client.force_login(user)
        assert (link in text(client.get(detail(party)))) is shown, user


def test_delete_asks_for_confirmation_then_deletes(client, party, asker, question):
    client.force_login(asker)
    confirm = client.get(delete_url(question))
    assert confirm.status_code == 200
    html = text(confirm)
    assert "이 질문을 삭제할까요?" in html and "주차할 수 있나요?" in html
    assert f'href="{detail(party)}#qna"' in html  # cancel goes back
    assert Comment.objects.get(pk=question.pk).deleted_at is None  # GET changes nothing
    asked = client.post(delete_url(question))  # the page's button without JavaScript
    assert asked.status_code == 200 and "이 질문을 삭제할까요?" in text(asked)
    assert Comment.objects.get(pk=question.pk).deleted_at is None
    response = client.post(delete_url(question), {"confirmed": "1"})
    assert response.status_code == 302 and response.url == detail(party) + "#qna"
    assert "질문을 삭제했어요." in flash(client.get(response.url))
    assert Comment.objects.get(pk=question.pk).deleted_at is not None
    assert client.get(delete_url(question)).status_code == 404  # already gone


def test_someone_else_gets_a_403_from_the_confirmation_and_the_post(client, party, question):
    client.force_login(UserFactory())
    assert client.get(delete_url(question)).status_code == 403
    assert client.post(delete_url(question), {"confirmed": "1"}).status_code == 403
    assert Comment.objects.get(pk=question.pk).deleted_at is None


def test_anonymous_delete_goes_to_login(client, question):
    response = client.get(delete_url(question))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deleted_question_with_a_reply_shows_a_placeholder(client, party, leader, question):
    comment_create(party_id=party.pk, user=leader, body="지하 2층이요.", parent_id=question.pk)
    comment_delete(comment_id=question.pk, user=question.author)
    html = text(client.get(detail(party)))
    assert "삭제된 질문이에요" in html
    assert "주차할 수 있나요?" not in html
    assert "지하 2층이요." in html


def test_a_cancelled_party_shows_its_questions_but_takes_no_more(client, party, leader, asker):
    client.force_login(asker)
    # No questions and no asking: no Q&A section at all.
    party_cancel(party_id=party.pk, user=leader)
    assert 'id="qna"' not in text(client.get(detail(party)))
    Comment.objects.create(party=party, author=asker, body="취소 전 질문")
    html = text(client.get(detail(party)))
    assert "취소 전 질문" in html and "모집이 끝나 더 질문할 수 없어요." in html
    assert 'data-testid="qna-ask"' not in html
    client.force_login(leader)
    assert 'data-testid="qna-reply-form"' not in text(client.get(detail(party)))
