"""Chat reads: access checks and history."""

from django.utils.translation import gettext as _

from accounts.models import User
from chat.models import ChatMessage, ChatRoom
from common.errors import Conflict, NotFound, PermissionDenied
from parties.models import Party
from parties.selectors import user_is_active_member

MAX_HISTORY_PAGE = 100


def chat_closed_error() -> Conflict:
    return Conflict("chat_closed", _("파티가 취소되어 채팅방이 닫혔어요."))


def chat_room_state(*, party_id: int, user: User) -> str:
    """For a member: "open" (read and write) or "closed" (the party was cancelled: read
    only); everyone else, and rooms not opened yet, are refused."""
    if not Party.objects.filter(pk=party_id).exists():
        raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
    if not user.is_authenticated or not user_is_active_member(party_id=party_id, user_id=user.pk):
        raise PermissionDenied("not_a_member", _("파티 멤버만 채팅을 볼 수 있어요."))
    rooms = ChatRoom.objects.filter(party_id=party_id).values_list("closed_at", flat=True)
    if not rooms:
        raise Conflict("chat_not_open", _("모집이 마감되면 채팅방이 열려요."))
    return "open" if rooms[0] is None else "closed"


def chat_access_check(*, party_id: int, user: User, to_write: bool = True) -> None:
    """Members of a party whose room is open may read and write (subscribing counts as
    writing: a closed room has nothing live); a closed room is read-only."""
    if chat_room_state(party_id=party_id, user=user) == "closed" and to_write:
        raise chat_closed_error()


def chat_history(
    *, party_id: int, user: User, before_id: int | None = None, limit: int = 50
) -> list[ChatMessage]:
    """Up to ``limit`` messages before ``before_id`` (newest page by default), oldest first."""
    chat_access_check(party_id=party_id, user=user, to_write=False)
    messages = ChatMessage.objects.filter(room_id=party_id, hidden_at__isnull=True).select_related(
        "sender"
    )
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    newest_first = list(messages.order_by("-id")[: max(1, min(limit, MAX_HISTORY_PAGE))])
    return newest_first[::-1]


def chat_transcript(*, party_id: int, limit: int = 500) -> list[ChatMessage]:
    """The party's chat as a moderator reviews it (an appeal, a report): the newest ``limit``
    messages, oldest first, whoever asks — only admin pages call this."""
    newest_first = list(
        ChatMessage.objects.filter(room_id=party_id)
        .select_related("sender")
        .order_by("-id")[:limit]
    )
    return newest_first[::-1]
