"""Penalty pages: the penalties a user received. (The leader's "who came?" checklist is on
the party page: ``parties.views.party_attendance``.)"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError, NotFound
from penalties import rules, services
from penalties.selectors import appeal_of, penalties_received, user_penalty_standing


@login_required
def my_penalties(request: HttpRequest) -> HttpResponse:
    user = cast(AbstractBaseUser, request.user)  # @login_required
    now = timezone.now()
    received = []
    for penalty in penalties_received(user_id=user.pk):
        appeal = appeal_of(penalty)
        refusal = rules.appeal_refusal(
            penalty, user_id=user.pk, has_appeal=appeal is not None, now=now
        )
        received.append(
            {
                "penalty": penalty,
                "appeal": appeal,
                "can_appeal": refusal is None,
                "appeal_until": rules.appeal_deadline(penalty),
            }
        )
    return render(
        request,
        "penalties/mine.html",
        {"received": received, "standing": user_penalty_standing(user_id=user.pk)},
    )


@require_POST
@login_required
def penalty_appeal_submit(request: HttpRequest, penalty_id: int) -> HttpResponse:
    """The penalties page's appeal form (works without JavaScript)."""
    user = cast(AbstractBaseUser, request.user)  # @login_required
    try:
        services.penalty_appeal(
            penalty_id=penalty_id, user=user, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise  # the app's 404 page
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("이의 신청을 받았어요. 관리자가 검토한 뒤 알림으로 알려드려요.")
        )
    return redirect(reverse("penalties:mine") + f"#penalty-{penalty_id}")
