"""Penalty pages: the penalties a user received. (The leader's "who came?" checklist is on
the party page: ``parties.views.party_attendance``.)"""

from typing import TYPE_CHECKING, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from penalties.selectors import penalties_received, user_penalty_standing

if TYPE_CHECKING:
    from accounts.models import User


@login_required
def my_penalties(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # @login_required
    return render(
        request,
        "penalties/mine.html",
        {
            "penalties": penalties_received(user_id=user.pk),
            "standing": user_penalty_standing(user_id=user.pk),
        },
    )
