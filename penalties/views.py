"""Penalty pages: the leader's "who came?" checklist, and the penalties a user received."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError, NotFound
from common.params import MAX_ID, ascii_int
from penalties.models import PenaltyReason
from penalties.selectors import penalties_received, user_penalty_count
from penalties.services import penalty_grant


@login_required
def my_penalties(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "penalties/mine.html",
        {
            "penalties": penalties_received(user_id=request.user.pk),
            "penalty_count": user_penalty_count(user_id=request.user.pk),
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, party_id: int) -> HttpResponse:
    """The checklist's submit: one penalty per member marked as not having come."""
    detail_url = reverse("parties:detail", args=[party_id])
    marked = []
    for raw in request.POST.getlist("absent"):
        user_id = ascii_int(raw)
        if user_id is None or user_id > MAX_ID:
            raise Http404
        marked.append(user_id)
    if not marked:
        messages.info(request, _("표시한 멤버가 없어요."))
        return redirect(detail_url)
    granted = 0
    for user_id in marked:
        reason = request.POST.get(f"reason_{user_id}", PenaltyReason.NO_SHOW)
        try:
            penalty_grant(party_id=party_id, leader=request.user, user_id=user_id, reason=reason)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, error.message)
        else:
            granted += 1
    if granted:
        messages.success(request, _("%(n)d명에게 페널티를 줬어요. 알림이 가요.") % {"n": granted})
    return redirect(detail_url)
