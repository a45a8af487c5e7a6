"""Settlement pages (no JavaScript needed): the leader's bill form and confirm buttons and a
member's "보냈어요" on the party page, and my settlements."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from common.errors import DomainError, NotFound
from common.params import MAX_ID, ascii_int
from settlements import services
from settlements.models import Settlement
from settlements.selectors import user_settlements


def _back(party_id: int) -> HttpResponse:
    return redirect(reverse("parties:detail", args=[party_id]) + "#settlement")


def _total(raw: str) -> int | None:
    value = ascii_int(raw.replace(",", "").strip())
    return value if value is not None and value <= 300_000_000 else None


@require_POST
@login_required
def settlement_bill_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    """The leader's bill form: creates the settlement, or corrects it."""
    user = cast(User, request.user)
    total = _total(request.POST.get("actual_total", ""))
    fields = {
        "bank": request.POST.get("bank", ""),
        "account_number": request.POST.get("account_number", ""),
        "account_holder": request.POST.get("account_holder", ""),
        "kakaopay_link": request.POST.get("kakaopay_link", ""),
    }
    try:
        if total is None:
            raise DomainError("invalid_total", _("영수증 총액을 숫자로 적어 주세요."))
        if Settlement.objects.filter(party_id=party_id).exists():
            services.settlement_update(party_id=party_id, user=user, actual_total=total, **fields)
            messages.success(request, _("정산 내용을 고쳤어요. 멤버에게 알림이 가요."))
        else:
            services.settlement_create(party_id=party_id, user=user, actual_total=total, **fields)
            messages.success(request, _("정산을 요청했어요. 멤버에게 보낼 금액이 알림으로 가요."))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return _back(party_id)


@require_POST
@login_required
def share_paid_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    try:
        services.share_mark_paid(party_id=party_id, user=cast(User, request.user))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("보냈다고 파티장에게 알렸어요."))
    return _back(party_id)


@require_POST
@login_required
def share_confirm_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    member_id = ascii_int(request.POST.get("user_id", ""))
    try:
        if member_id is None or not 0 < member_id < MAX_ID:
            raise DomainError("invalid_user_id", _("확인할 멤버를 골라 주세요."))
        services.share_confirm(
            party_id=party_id, user=cast(User, request.user), member_id=member_id
        )
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("받은 것을 확인했어요."))
    return _back(party_id)


@login_required
def my_settlements_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "settlements/mine.html",
        {"settlements": user_settlements(user=cast(User, request.user))},
    )
