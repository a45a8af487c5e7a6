"""Settlement writes: the leader bills (and corrects before anyone paid), members mark their
share paid, the leader confirms; reminders; erasing old accounts.

Every write locks the settlement row (or, to create it, the party row), so double clicks and
concurrent requests make one transition and one notification; the unique constraints are the
last guard. Events carry no account details: they become notifications and stream frames.
"""

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, DomainError, NotFound, PermissionDenied
from common.events import EventType, emit
from common.once import insert_new
from common.params import clean_text
from parties.locks import party_for_update
from parties.models import Membership
from settlements import rules
from settlements.banks import banks
from settlements.models import Settlement, Share, ShareReminder, ShareStatus
from settlements.split import split_total

REMIND_AFTER = timedelta(hours=24)
ERASE_AFTER = timedelta(days=30)
KAKAOPAY_HOSTS = {"qr.kakaopay.com"}
_ACCOUNT_RE = re.compile(r"^[0-9][0-9 -]*[0-9]$")


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _payload(settlement: Settlement, **extra: Any) -> dict[str, Any]:
    party = settlement.party
    return {"party_id": party.pk, "title": party.title, "leader_id": party.leader_id, **extra}


def _clean_account(
    *, bank: str, account_number: str, account_holder: str, kakaopay_link: str
) -> dict[str, str]:
    if bank not in banks():
        raise DomainError(
            "invalid_bank", _("은행을 목록에서 골라 주세요."), field="bank",
            details={"allowed": list(banks())},
        )  # fmt: skip
    number = clean_text(account_number, code="invalid_account_number").strip()
    digits = re.sub(r"[ -]", "", number)
    if not _ACCOUNT_RE.fullmatch(number) or not 8 <= len(digits) <= 20:
        raise DomainError(
            "invalid_account_number",
            _("계좌번호는 숫자와 - 만으로 8~20자리예요."),
            field="account_number",
        )
    holder = clean_text(account_holder, code="invalid_account_holder").strip()
    if not 1 <= len(holder) <= 30:
        raise DomainError(
            "invalid_account_holder", _("예금주를 30자 안으로 적어 주세요."), field="account_holder"
        )
    link = clean_text(kakaopay_link or "", code="invalid_kakaopay_link").strip()
    if link:
        parsed = urlparse(link)
        if parsed.scheme != "https" or parsed.hostname not in KAKAOPAY_HOSTS or len(link) > 200:
            raise DomainError(
                "invalid_kakaopay_link",
                _("카카오페이 송금 링크는 https://qr.kakaopay.com/ 으로 시작해요."),
                field="kakaopay_link",
            )
    return {
        "bank": bank,
        "account_number": digits,
        "account_holder": holder,
        "account_masked": "*" * (len(digits) - 4) + digits[-4:],
        "kakaopay_link": link,
    }


def _member_ids(party_id: int) -> list[int]:
    """Who shares the bill: active members (the leader included); who withdrew does not."""
    return list(
        Membership.objects.active()
        .filter(party_id=party_id)
        .order_by("joined_at", "id")
        .values_list("user_id", flat=True)
    )


def _make_shares(settlement: Settlement) -> list[int]:
    """(Re)create the shares from the total; the leader's own share is settled already (they
    paid the mart). Returns the members' ids (leader excluded)."""
    party = settlement.party
    amounts = split_total(settlement.actual_total, _member_ids(party.pk), party.leader_id)
    settlement.shares.all().delete()
    now = timezone.now()
    Share.objects.bulk_create(
        [
            Share(
                settlement=settlement,
                user_id=user_id,
                amount=amount,
                status=ShareStatus.CONFIRMED if user_id == party.leader_id else ShareStatus.PENDING,
                confirmed_at=now if user_id == party.leader_id else None,
            )
            for user_id, amount in amounts.items()
        ]
    )
    return [user_id for user_id in amounts if user_id != party.leader_id]


def settlement_create(
    *,
    party_id: int,
    user: User,
    actual_total: int,
    bank: str,
    account_number: str,
    account_holder: str,
    kakaopay_link: str = "",
) -> Settlement:
    """The leader's bill: the receipt's total and how to be paid. Once per party (then
    ``settlement_update``); members are told what to send."""
    account = _clean_account(
        bank=bank,
        account_number=account_number,
        account_holder=account_holder,
        kakaopay_link=kakaopay_link,
    )
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _raise(
            rules.bill_refusal(
                party,
                user_id=user.pk,
                has_settlement=Settlement.objects.filter(party=party).exists(),
            )
        )
        _raise(rules.total_refusal(actual_total, planned_total=party.total_price))
        try:
            with transaction.atomic():
                settlement = Settlement.objects.create(
                    party=party,
                    actual_total=actual_total,
                    planned_total=party.total_price,
                    **account,
                )
        except IntegrityError:  # the party lock makes this unreachable; the key guards
            raise Conflict("settlement_exists", _("이미 정산을 요청했어요.")) from None
        members = _make_shares(settlement)
        emit(
            EventType.SETTLEMENT_BILLED,
            payload=_payload(settlement, member_ids=members),
            actor_id=user.pk,
        )
    return settlement


def _lock(party_id: int) -> Settlement:
    """The one place a settlement row is locked."""
    settlement = (
        Settlement.objects.select_for_update(of=("self",))
        .select_related("party")
        .filter(party_id=party_id)
        .first()
    )
    if settlement is None:
        raise NotFound("settlement_not_found", _("아직 정산을 요청하지 않았어요."))
    return settlement


def settlement_update(*, party_id: int, user: User, **changes: Any) -> Settlement:
    """The leader corrects the bill before any member marked their share paid."""
    with transaction.atomic():
        settlement = _lock(party_id)
        if settlement.party.leader_id != user.pk:
            raise PermissionDenied("not_leader", _("파티장만 정산을 고칠 수 있어요."))
        someone_paid = (
            settlement.shares.exclude(user_id=user.pk).exclude(status=ShareStatus.PENDING).exists()
        )
        _raise(rules.edit_refusal(someone_paid=someone_paid))
        account = _clean_account(
            bank=changes.get("bank", settlement.bank),
            account_number=changes.get("account_number", settlement.account_number),
            account_holder=changes.get("account_holder", settlement.account_holder),
            kakaopay_link=changes.get("kakaopay_link", settlement.kakaopay_link),
        )
        for field, value in account.items():
            setattr(settlement, field, value)
        if "actual_total" in changes:
            _raise(
                rules.total_refusal(changes["actual_total"], planned_total=settlement.planned_total)
            )
            settlement.actual_total = changes["actual_total"]
        settlement.save()
        members = _make_shares(settlement)
        emit(
            EventType.SETTLEMENT_CHANGED,
            payload=_payload(settlement, member_ids=members),
            actor_id=user.pk,
        )
    return settlement


def _share_of(settlement: Settlement, user_id: int) -> Share:
    share = settlement.shares.select_for_update().filter(user_id=user_id).first()
    if share is None:
        raise PermissionDenied("not_in_settlement", _("이 정산에 몫이 없어요."))
    return share


def share_mark_paid(*, party_id: int, user: User) -> Share:
    """A member says they sent their share; the leader is told. Marking twice changes
    nothing (one transition, one notification, however many clicks)."""
    with transaction.atomic():
        settlement = _lock(party_id)
        if settlement.party.leader_id == user.pk:
            raise Conflict("leader_share", _("파티장 몫은 보낼 필요가 없어요."))
        share = _share_of(settlement, user.pk)
        if share.status == ShareStatus.PENDING:
            share.status, share.paid_at = ShareStatus.PAID, timezone.now()
            share.save(update_fields=["status", "paid_at"])
            emit(
                EventType.SETTLEMENT_PAID,
                payload=_payload(settlement, user_id=user.pk, amount=share.amount),
                actor_id=user.pk,
            )
    return share


def share_confirm(*, party_id: int, user: User, member_id: int) -> Share:
    """The leader confirms they received a member's share (after "paid", or directly: cash);
    the member is told. When every share is confirmed the settlement completes."""
    with transaction.atomic():
        settlement = _lock(party_id)
        if settlement.party.leader_id != user.pk:
            raise PermissionDenied("not_leader", _("파티장만 받은 것을 확인할 수 있어요."))
        share = _share_of(settlement, member_id)
        if share.status != ShareStatus.CONFIRMED:
            share.status, share.confirmed_at = ShareStatus.CONFIRMED, timezone.now()
            share.save(update_fields=["status", "confirmed_at"])
            confirmed = emit(
                EventType.SETTLEMENT_CONFIRMED,
                payload=_payload(settlement, user_id=member_id),
                actor_id=user.pk,
            )
            if not settlement.shares.exclude(status=ShareStatus.CONFIRMED).exists():
                settlement.completed_at = timezone.now()
                settlement.save(update_fields=["completed_at", "updated_at"])
                members = list(
                    settlement.shares.exclude(user_id=user.pk).values_list("user_id", flat=True)
                )
                emit(
                    EventType.SETTLEMENT_COMPLETED,
                    payload=_payload(settlement, member_ids=members),
                    actor_id=user.pk,
                    cause=confirmed,  # one action: the last member told once, of both
                )
    return share


def settlement_reminders_send(*, now: datetime | None = None) -> int:
    """Members still ``pending`` 24 hours after the bill get one reminder: exactly once per
    share by ``ShareReminder``'s primary key (``common.once``), however many ticks run."""
    now = now or timezone.now()
    due = (
        Share.objects.filter(
            status=ShareStatus.PENDING,
            settlement__completed_at__isnull=True,
            settlement__created_at__lte=now - REMIND_AFTER,
            sharereminder__isnull=True,
        )
        .select_related("settlement__party")
        .order_by("settlement_id", "id")[:1000]
    )
    by_settlement: dict[int, tuple[Settlement, list[Share]]] = {}
    for share in due:
        by_settlement.setdefault(share.settlement_id, (share.settlement, []))[1].append(share)
    sent = 0
    for settlement, shares in by_settlement.values():
        with transaction.atomic():
            reminded = set(
                insert_new(
                    ShareReminder,
                    ["share_id", "created_at"],
                    [(share.pk, now) for share in shares],
                    returning="share_id",
                )
            )
            users = [share.user_id for share in shares if share.pk in reminded]
            if users:
                emit(EventType.SETTLEMENT_REMINDER, payload=_payload(settlement, member_ids=users))
            sent += len(users)
    return sent


def settlement_erase_old_accounts(*, now: datetime | None = None) -> int:
    """Account details of settlements completed 30 days ago are erased; the masked digits
    stay (support can still tell which account it was)."""
    now = now or timezone.now()
    return Settlement.objects.filter(
        completed_at__lte=now - ERASE_AFTER, account_erased_at__isnull=True
    ).update(account_number="", account_holder="", kakaopay_link="", account_erased_at=now)
