"""Party pages: create, detail (with role/state actions), my parties.

Thin: parse input, call one service or selector, render. Refusals from services arrive as
``DomainError`` and are shown as a message next to the form or as a flash message.
"""

from datetime import datetime, timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.selectors import user_get
from catalog.selectors import item_get
from common.confirm import confirmation_page
from common.errors import DomainError, NotFound
from common.geo import DEFAULT_RADIUS_KM
from common.params import MAX_ID, Point, ascii_int
from markets.selectors import market_get, market_list
from parties import rules, services
from parties.forms import PartyCreateForm, PartyRescheduleForm
from parties.models import MembershipRole, Party, PartyStatus, share_price
from parties.selectors import (
    party_attendance,
    party_available_actions,
    party_get,
    party_get_visible,
    party_list_at_market,
    party_members,
    party_membership,
    party_withdrawals,
    user_parties,
    user_standing,
    user_standings,
)
from penalties.models import PenaltyReason
from penalties.selectors import user_blocked_until

NEAR_HOME_KM = DEFAULT_RADIUS_KM


# -- display helpers (presentation only; no rules) -------------------------------------------


def time_left_label(when: datetime, *, now: datetime | None = None) -> str:
    """A label such as "3시간 남음": the largest whole unit left until ``when``."""
    left = when - (now or timezone.now())
    if left <= timedelta(0):
        return _("마감")
    minutes = int(left.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)d분 남음") % {"n": max(minutes, 1)}
    if minutes < 60 * 24:
        return _("%(n)d시간 남음") % {"n": minutes // 60}
    return _("%(n)d일 남음") % {"n": minutes // (60 * 24)}


def decorate_parties(parties, *, now: datetime | None = None) -> list[Party]:
    """Attach display labels used by the party cards, and each leader's standing."""
    now = now or timezone.now()
    parties = list(parties)
    leaders = {party.leader_id: party.leader for party in parties}
    standings = user_standings(users=list(leaders.values())) if leaders else {}
    for party in parties:
        party.leader_standing = standings[party.leader_id]
        party.deadline_left = time_left_label(party.recruit_until, now=now)
        party.meet_left = time_left_label(party.meet_at, now=now)
        party.is_open = party.status == PartyStatus.RECRUITING and party.recruit_until > now
    return parties


# The buttons, in this order, for the actions a viewer may take (``party_available_actions``).
ACTION_BUTTONS = (
    ("join", gettext_lazy("참여하기"), "primary"),
    ("close", gettext_lazy("모집 마감"), "primary"),
    ("complete", gettext_lazy("파티 완료"), "primary"),
    ("leave", gettext_lazy("나가기"), "ghost"),
    ("cancel", gettext_lazy("파티 취소"), "danger"),
)


# Refusals shown as a disabled button with their reason (and end date), not hidden: the
# user should know why they cannot join rather than find no button.
SHOWN_REFUSALS = {"penalty_blocked", "account_suspended"}
# Actions that cannot be undone ask first (common/confirm.py; the dialog in confirm.js).
CONFIRM = {
    "cancel": (
        gettext_lazy("파티를 취소할까요?"),
        gettext_lazy("멤버 모두에게 알림이 가고 채팅방이 닫혀요. 되돌릴 수 없어요."),
        gettext_lazy("네, 취소할게요"),
    ),
}


def _buttons(available: dict) -> list[dict]:
    buttons = []
    for action, label, style in ACTION_BUTTONS:
        refusal = available[action]
        if refusal is None or refusal.code in SHOWN_REFUSALS:
            confirm = CONFIRM.get(action)
            buttons.append(
                {
                    "action": action,
                    "label": label,
                    "style": style,
                    "refusal": refusal,
                    "confirm": confirm,
                }
            )
    return buttons


# -- pages -----------------------------------------------------------------------------------


def _live_context(request: HttpRequest, party: Party, *, now: datetime) -> dict:
    """What the live parts of a party page show this viewer (status, seats, actions, members):
    the page and its live fragment render them from the same context, so an update shows
    exactly what a reload would."""
    membership = party_membership(party=party, user=request.user)
    decorate_parties([party], now=now)
    members = party_members(party=party)
    standings = user_standings(users=[m.user for m in members])
    for member in members:
        member.standing = standings[member.user_id]
    available = party_available_actions(
        party=party, user=request.user, membership=membership, now=now
    )
    return {
        "party": party,
        "members": members,
        "membership": membership,
        "is_member": membership is not None,
        "is_leader": membership is not None and membership.role == MembershipRole.LEADER,
        "available": available,
        "actions": _buttons(available),
        "can_reschedule": available["reschedule"] is None,
        # Who withdrew in time, and why: the leader and members plan with it.
        "withdrawals": party_withdrawals(party=party) if membership else [],
        "can_join_anonymously": not request.user.is_authenticated and party.is_open,
    }


def party_detail_page(request: HttpRequest, party_id: int) -> HttpResponse:
    # NotFound (also for a party a moderator hid): the app's 404 page (common.error_pages)
    party = party_get_visible(party_id=party_id, user=request.user)
    now = timezone.now()
    context = _live_context(request, party, now=now)
    attendance = party_attendance(
        party=party, user=request.user, members=context["members"], now=now
    )
    if attendance is not None:
        attendance["reasons"] = PenaltyReason.choices
    return render(
        request,
        "parties/detail.html",
        {
            **context,
            "attendance": attendance,
            "can_withdraw": context["available"]["withdraw"] is None,
            "withdraw_until": rules.withdraw_deadline(party),
        },
    )


@require_http_methods(["GET"])
def party_live_fragment(request: HttpRequest, party_id: int) -> HttpResponse:
    """The party page's live parts, re-read by ``static/js/party-live.js`` when the party
    changes (``parties.live``) or its stream reconnects: for this viewer, as the page."""
    party = party_get_visible(party_id=party_id, user=request.user)
    response = render(
        request, "parties/_live.html", _live_context(request, party, now=timezone.now())
    )
    response["Cache-Control"] = "no-store"  # never a stale count from a cache
    return response


ACTIONS = {
    "join": (services.party_join, gettext_lazy("파티에 참여했어요.")),
    "leave": (services.party_leave, gettext_lazy("파티에서 나갔어요.")),
    "close": (services.party_close, gettext_lazy("모집을 마감했어요.")),
    "cancel": (services.party_cancel, gettext_lazy("파티를 취소했어요.")),
    "complete": (services.party_complete, gettext_lazy("파티를 완료했어요. 수고하셨어요!")),
}


@require_POST
def party_action(request: HttpRequest, party_id: str, action: str) -> HttpResponse:
    pk = _as_id(party_id)
    if pk is None:
        raise Http404
    detail_url = reverse("parties:detail", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(detail_url)
    if action in CONFIRM:
        question, detail, label = CONFIRM[action]
        page = confirmation_page(
            request,
            question=str(question),
            detail=str(detail),
            confirm_label=str(label),
            cancel_url=detail_url,
        )
        if page is not None:
            return page
    service, success_message = ACTIONS[action]
    try:
        party = service(party_id=pk, user=request.user)
    except NotFound:
        raise  # the app's 404 page, not a flash message
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = str(success_message)
        if action == "join" and party.status == PartyStatus.CLOSED:
            message = _("파티에 참여했어요. 인원이 다 차서 모집이 마감됐어요.")
        messages.success(request, message)
    return redirect(detail_url)


def _market_options(request: HttpRequest, selected_id: int | None) -> tuple[list, object]:
    """(markets within 10 km of the user's home for a select, the selected market).

    With no home, or no market near it, the list is empty and the page offers a search box.
    A preselected market from elsewhere joins the list so the select can show it. Closed
    markets (폐업) are never choices: ``market_list`` leaves them out, and a preselected
    one is dropped (the service would refuse it; a refused post says why by the field).
    """
    user = cast(User, request.user)  # party_create_page is @login_required
    markets = (
        market_list(near=Point(user.lat, user.lng, NEAR_HOME_KM))
        # user.has_home, spelled out so that the type checker sees both coordinates set
        if user.lat is not None and user.lng is not None
        else []
    )
    selected = next((m for m in markets if m.pk == selected_id), None)
    if selected_id and selected is None:
        try:
            selected = market_get(market_id=selected_id)
        except DomainError:
            selected = None
        if selected is not None and rules.market_closed_refusal(selected) is not None:
            selected = None
        if selected is not None and markets:
            markets = [selected, *markets]
    return markets, selected


def _as_id(raw) -> int | None:
    value = ascii_int(str(raw or ""))
    return value if value is not None and 0 < value < MAX_ID else None


def _preselected(request: HttpRequest, name: str) -> int | None:
    return _as_id(request.GET.get(name, ""))


def _initial(request: HttpRequest) -> dict:
    local_now = timezone.localtime()
    tomorrow = (local_now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    initial = {
        "capacity": 4,
        "recruit_until": tomorrow.replace(hour=12),
        "meet_at": tomorrow.replace(hour=19),
    }
    market_id = _preselected(request, "market")
    if market_id:
        initial["market_id"] = market_id
    item_id = _preselected(request, "item")
    if item_id:
        try:
            item = item_get(item_id=item_id)
        except DomainError:
            pass
        else:
            initial.update(item_id=item.pk, item_query=item.name)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def party_create_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required
    # A blocked user is told why and until when before filling anything in.
    refusal = rules.blocked_refusal(user_blocked_until(user_id=user.pk))
    if refusal is not None:
        return render(request, "parties/create.html", {"refusal": refusal}, status=403)
    if request.method == "POST":
        form = PartyCreateForm(request.POST)
        if form.is_valid():
            try:
                party = services.party_create(leader=user, **form.service_kwargs())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, _("파티를 만들었어요. 이웃이 참여하면 알림으로 알려 드려요.")
                )
                return redirect("parties:detail", party_id=party.pk)
    else:
        form = PartyCreateForm(initial=_initial(request))
    markets, selected_market = _market_options(request, _as_id(form["market_id"].value()))
    price, capacity = _as_id(form["total_price"].value()), _as_id(form["capacity"].value())
    return render(
        request,
        "parties/create.html",
        {
            "form": form,
            "markets": markets,
            "selected_market": selected_market,
            "near_home_km": int(NEAR_HOME_KM),
            "share_preview": share_price(price, capacity) if price and capacity else None,
        },
    )


@login_required
def my_parties_page(request: HttpRequest) -> HttpResponse:
    groups = user_parties(user=cast(User, request.user))  # @login_required
    now = timezone.now()
    sections = [
        ("leading", _("내가 만든 파티"), decorate_parties(groups["leading"], now=now)),
        ("joined", _("참여한 파티"), decorate_parties(groups["joined"], now=now)),
        ("past", _("지난 파티"), decorate_parties(groups["past"], now=now)),
    ]
    return render(request, "parties/mine.html", {"sections": sections})


@login_required
@require_POST
def party_attendance_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    """The checklist's submit: one penalty per member marked as not having come."""
    leader = cast(User, request.user)  # @login_required
    detail_url = reverse("parties:detail", args=[party_id])
    if request.POST.getlist("absent"):
        page = confirmation_page(
            request,
            question=_("표시한 멤버에게 페널티를 줄까요?"),
            detail=_(
                "페널티는 그 멤버의 프로필에 90일 동안 보여요. 멤버는 이의를 신청할 수 있어요."
            ),
            confirm_label=_("네, 페널티를 줄게요"),
            cancel_url=detail_url,
        )
        if page is not None:
            return page
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
            services.party_penalty_grant(
                party_id=party_id, leader=leader, user_id=user_id, reason=reason
            )
        except NotFound:
            raise  # the app's 404 page, not a flash message
        except DomainError as error:
            messages.error(request, error.message)
        else:
            granted += 1
    if granted:
        messages.success(request, _("%(n)d명에게 페널티를 줬어요. 알림이 가요.") % {"n": granted})
    return redirect(detail_url)


@require_POST
@login_required
def party_withdraw_submit(request: HttpRequest, party_id: int) -> HttpResponse:
    """ "못 가게 됐어요" from the party page (asks first; works without JavaScript)."""
    detail_url = reverse("parties:detail", args=[party_id])
    page = confirmation_page(
        request,
        question=_("이 파티에서 빠질까요?"),
        detail=_("파티장과 멤버에게 알림이 가고 채팅방에서 나가요. 다시 들어올 수 없어요."),
        confirm_label=_("네, 빠질게요"),
        cancel_url=detail_url,
    )
    if page is not None:
        return page
    try:
        services.party_withdraw(
            party_id=party_id, user=cast(User, request.user), reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("파티에서 빠졌어요. 파티장과 멤버에게 알렸어요."))
    return redirect(detail_url)


@login_required
@require_http_methods(["GET", "POST"])
def party_reschedule_page(request: HttpRequest, party_id: int) -> HttpResponse:
    """The leader moves the meeting or edits the spot note; members are told."""
    party = party_get(party_id=party_id)
    user = cast(User, request.user)  # @login_required
    refusal = rules.leader_refusal(party, user.pk) or rules.reschedule_refusal(
        party,
        user_id=user.pk,
        status=rules.effective_status(party, timezone.now()),
        now=timezone.now(),
    )
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("parties:detail", party_id=party.pk)
    if request.method == "POST":
        form = PartyRescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.party_reschedule(party_id=party.pk, user=user, **form.cleaned_data)
            except NotFound:
                raise
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("일정을 바꿨어요. 멤버에게 알림이 가요."))
                return redirect("parties:detail", party_id=party.pk)
    else:
        form = PartyRescheduleForm(
            initial={
                "meet_at": timezone.localtime(party.meet_at),
                "meeting_note": party.meeting_note,
            }
        )
    return render(request, "parties/reschedule.html", {"party": party, "form": form})


def market_detail_page(request: HttpRequest, market_id: int) -> HttpResponse:
    """A market's page (``markets:detail``): its facts and map, and its open parties,
    soonest deadline first. Served here because it lists parties (markets is below parties).
    A closed market (폐업) still answers, says so, and offers no new party."""
    market = market_get(market_id=market_id)  # NotFound: the app's 404 page
    return render(
        request,
        "markets/detail.html",
        {
            "market": market,
            "parties": decorate_parties(party_list_at_market(market_id=market.pk)),
            # The service's own rule: "create" is offered only where the market takes parties.
            "create_refusal": rules.market_closed_refusal(market),
        },
    )


def profile_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """A resident's public profile: their standing (kept parties, recent no-shows, a block)."""
    profile_user = user_get(user_id=user_id)  # NotFound: the app's 404 page
    return render(
        request,
        "accounts/profile.html",
        {"profile_user": profile_user, "standing": user_standing(user=profile_user)},
    )
