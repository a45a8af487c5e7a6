"""Settlement reads: a party's settlement as one member or the leader sees it (the account
only to that party's members), and what a user owes and is owed."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import DomainError, NotFound, PermissionDenied
from parties.models import Party
from parties.selectors import party_get, user_is_member
from settlements.banks import banks
from settlements.models import Settlement, Share, ShareStatus


def toss_link(*, bank: str, account_number: str, amount: int) -> str:
    """토스's send screen with the bank, the account and the amount filled in."""
    known = banks().get(bank)
    query = urlencode(
        {"bank": known.toss_name if known else bank, "accountNo": account_number, "amount": amount},
        quote_via=quote,
    )
    return f"supertoss://send?{query}"


@dataclass(frozen=True)
class SettlementView:
    settlement: Settlement
    party: Party
    shares: list[Share]
    my_share: Share | None
    is_leader: bool

    @property
    def completed(self) -> bool:
        return self.settlement.completed_at is not None

    @property
    def unpaid(self) -> list[Share]:
        return [s for s in self.shares if s.status != ShareStatus.CONFIRMED]

    @property
    def someone_paid(self) -> bool:
        return any(
            s.status != ShareStatus.PENDING
            for s in self.shares
            if s.user_id != self.party.leader_id
        )

    @property
    def account(self) -> dict[str, Any]:
        s = self.settlement
        known = banks().get(s.bank)
        return {
            "bank": s.bank,
            "bank_name": known.name if known else s.bank,
            "account_number": s.account_number or None,  # None once erased
            "account_masked": s.account_masked,
            "account_holder": s.account_holder or None,
        }

    @property
    def links(self) -> dict[str, str | None]:
        s, share = self.settlement, self.my_share
        owes = share is not None and not self.is_leader and share.status == ShareStatus.PENDING
        return {
            "toss": toss_link(bank=s.bank, account_number=s.account_number, amount=share.amount)
            if owes and share is not None and s.account_number
            else None,
            "kakaopay": s.kakaopay_link or None if owes else None,
        }


def settlement_get(*, party_id: int, user: User | AnonymousUser) -> SettlementView:
    """The party's settlement for one of its members (the leader included); 401 anonymous,
    403 anyone else, 404 when there is none yet."""
    party = party_get(party_id=party_id)
    if not user.is_authenticated:
        raise DomainError("not_authenticated", _("로그인이 필요해요."), status=401)
    if not user_is_member(party_id=party.pk, user_id=user.pk):
        raise PermissionDenied("not_a_member", _("파티 멤버만 정산을 볼 수 있어요."))
    settlement = Settlement.objects.filter(party=party).first()
    if settlement is None:
        raise NotFound("settlement_not_found", _("아직 정산을 요청하지 않았어요."))
    shares = list(settlement.shares.select_related("user").order_by("id"))
    return SettlementView(
        settlement=settlement,
        party=party,
        shares=shares,
        my_share=next((s for s in shares if s.user_id == user.pk), None),
        is_leader=party.leader_id == user.pk,
    )


def user_settlements(*, user: User) -> dict[str, list[Share]]:
    """``owe``: my shares in others' parties not confirmed yet; ``owed``: shares of my
    parties' members not confirmed yet; ``done``: my settled shares, newest first."""
    mine = Share.objects.select_related("settlement__party", "user")
    return {
        "owe": list(
            mine.filter(user=user)
            .exclude(status=ShareStatus.CONFIRMED)
            .exclude(settlement__party__leader=user)
            .order_by("settlement__created_at")
        ),
        "owed": list(
            mine.filter(settlement__party__leader=user)
            .exclude(user=user)
            .exclude(status=ShareStatus.CONFIRMED)
            .order_by("settlement__created_at", "id")
        ),
        "done": list(
            mine.filter(user=user, status=ShareStatus.CONFIRMED)
            .exclude(settlement__party__leader=user)
            .order_by("-confirmed_at")[:20]
        ),
    }
