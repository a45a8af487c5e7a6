"""Who may ask, reply and delete, each rule in one place: pure functions of what is known
about the party, the comment and the user, returning the refusal (or None).

The services judge them before writing and raise the refusal; the party page's Q&A panel
judges the same ones to offer only the forms the services would accept.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, PermissionDenied
from parties.models import Party
from parties.models import PartyStatus as S
from parties.rules import effective_status

Refusal = DomainError | None


def ask_refusal(party: Party, *, now: datetime) -> Refusal:
    """Questions are for deciding whether to join: only while the party recruits (a party
    past its deadline counts as settled, task or not)."""
    if effective_status(party, now) != S.RECRUITING:
        return Conflict("party_not_recruiting", _("모집 중인 파티에만 질문할 수 있어요."))
    return None


def reply_refusal(party: Party, *, user_id: int | None, now: datetime) -> Refusal:
    """Only the leader replies, for as long as the party is not cancelled."""
    if party.leader_id != user_id:
        return PermissionDenied("not_leader", _("파티장만 답할 수 있어요."))
    if effective_status(party, now) == S.CANCELLED:
        return Conflict("party_cancelled", _("취소된 파티에는 답할 수 없어요."))
    return None


def delete_refusal(party: Party, *, author_id: int, user_id: int | None) -> Refusal:
    """The author deletes their own; the leader keeps their party's page clean."""
    if user_id is None or user_id not in (author_id, party.leader_id):
        return PermissionDenied("not_comment_author", _("쓴 사람이나 파티장만 지울 수 있어요."))
    return None
