"""Questions before joining, JSON API: a party's questions and replies (anyone may read),
asking and replying (signed in), deleting (author or leader). Errors by code."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from comments import services
from comments.models import MAX_BODY_LENGTH, Comment
from comments.selectors import party_comments
from common.api import Pagination
from common.api_schema import ERROR_SCHEMA, PAGE_PARAMETERS, paginated
from common.params import MAX_ID
from parties.selectors import party_get


class CommentAuthorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField()


def _fields(comment: Comment, *, leader_id: int) -> dict[str, Any]:
    deleted = comment.deleted_at is not None
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        # A deleted question kept above its replies says neither who asked nor what.
        "author": None if deleted else comment.author,
        "content": "" if deleted else comment.body,
        "deleted": deleted,
        "by_leader": comment.author_id == leader_id,
        "created_at": comment.created_at,
    }


# Both need ``context={"leader_id": ...}``: the party's leader, for ``by_leader``.
class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    # A field named "parent" (the contract's name) shadows Field.parent only for the type
    # checker: DRF moves declared fields off the class.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        allow_null=True, help_text="답변이면 질문의 id"
    )
    author = CommentAuthorOutput(allow_null=True, help_text="삭제된 질문이면 null")
    content = serializers.CharField(help_text="삭제된 질문이면 빈 문자열")
    deleted = serializers.BooleanField(help_text="답변이 달린 뒤 삭제된 질문 (자리만 남음)")
    by_leader = serializers.BooleanField(help_text="파티장이 쓴 글")
    created_at = serializers.DateTimeField()

    def to_representation(self, comment: Comment) -> dict:
        fields = _fields(comment, leader_id=self.context["leader_id"])
        return super().to_representation(fields)


class QuestionOutput(CommentOutput):
    replies = CommentOutput(many=True, help_text="파티장의 답변, 오래된 순")

    def to_representation(self, comment: Comment) -> dict:
        fields = _fields(comment, leader_id=self.context["leader_id"])
        fields["replies"] = comment.visible_replies
        return serializers.Serializer.to_representation(self, fields)


class _ServiceCheckedText(serializers.CharField):
    """Text the service judges (``comments.services.comment_clean_body``), so every refusal
    of it carries the same code (``invalid_content``) and a Korean message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = []


NOT_RECRUITING_EXAMPLE = OpenApiExample(
    "not recruiting",
    value={
        "code": "party_not_recruiting",
        "message": "모집 중인 파티에만 질문할 수 있어요.",
        "details": {},
    },
    response_only=True,
    status_codes=["409"],
)
RATE_LIMITED_EXAMPLE = OpenApiExample(
    "too fast",
    value={
        "code": "rate_limited",
        "message": "너무 빨리 쓰고 있어요. 42초 뒤에 다시 시도해 주세요.",
        "details": {"retry_after_seconds": 42},
    },
    response_only=True,
    status_codes=["429"],
)


class PartyCommentsApi(APIView):
    """GET: the party's questions and replies (anyone). POST: ask, or reply (the leader)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    class CommentCreateInput(serializers.Serializer):
        content = _ServiceCheckedText(
            allow_blank=True,
            trim_whitespace=False,
            help_text=f"1~{MAX_BODY_LENGTH}자 (앞뒤 공백 제외)",
        )
        parent = serializers.IntegerField(  # type: ignore[assignment]  # as in CommentOutput
            min_value=1,
            max_value=MAX_ID,
            required=False,
            allow_null=True,
            help_text="답변할 질문의 id (파티장만; 없으면 새 질문)",
        )

    @extend_schema(
        operation_id="party_comments_list",
        tags=["comments"],
        summary="파티의 질문과 답변 (누구나, 오래된 순)",
        description="삭제된 질문은 답변이 있을 때만 자리(`deleted: true`)로 남아요. "
        "운영자가 숨긴 글은 보이지 않아요.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated("PaginatedQuestions", QuestionOutput(many=True)),
            400: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
        },
    )
    def get(self, request, party_id: int):
        party = party_get(party_id=party_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(party_comments(party_id=party.pk), request, view=self)
        return paginator.get_paginated_response(
            QuestionOutput(page, many=True, context={"leader_id": party.leader_id}).data
        )

    @extend_schema(
        operation_id="party_comments_create",
        tags=["comments"],
        summary="질문하기 (모집 중) 또는 답변하기 (파티장)",
        description="질문은 모집 중인 파티에만, 답변은 파티장만 질문에 (답변에는 안 돼요), "
        "취소되지 않은 파티에서 쓸 수 있어요. 질문은 파티장에게, 답변은 질문한 사람에게 "
        "알림이 가요. 사용자마다 일정 시간에 쓸 수 있는 수가 정해져 있어요 (429).",
        request=CommentCreateInput,
        responses={
            201: CommentOutput,
            400: ERROR_SCHEMA,
            401: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
            404: ERROR_SCHEMA,
            409: ERROR_SCHEMA,
            429: ERROR_SCHEMA,
        },
        examples=[
            OpenApiExample("question", value={"content": "몇 시쯤 만나요?"}, request_only=True),
            OpenApiExample(
                "reply", value={"content": "저녁 7시예요.", "parent": 12}, request_only=True
            ),
            NOT_RECRUITING_EXAMPLE,
            RATE_LIMITED_EXAMPLE,
        ],
    )
    def post(self, request, party_id: int):
        data = self.CommentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            party_id=party_id,
            user=request.user,
            body=data.validated_data["content"],
            parent_id=data.validated_data.get("parent"),
        )
        return Response(
            CommentOutput(comment, context={"leader_id": comment.party.leader_id}).data,
            status=status.HTTP_201_CREATED,
        )


DELETE_RESPONSES = {204: None, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA}


class PartyCommentDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="party_comments_delete",
        tags=["comments"],
        summary="질문·답변 삭제 (쓴 사람 또는 파티장)",
        description="이미 삭제된 글은 404예요.",
        responses=DELETE_RESPONSES,
    )
    def delete(self, request, party_id: int, comment_id: int):
        services.comment_delete(comment_id=comment_id, user=request.user, party_id=party_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="comments_delete",
        tags=["comments"],
        summary="질문·답변 삭제 (쓴 사람 또는 파티장)",
        description="`DELETE parties/{id}/comments/{comment_id}`와 같아요. "
        "이미 삭제된 글은 404예요.",
        responses=DELETE_RESPONSES,
    )
    def delete(self, request, comment_id: int):
        services.comment_delete(comment_id=comment_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
