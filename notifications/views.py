"""Notification pages: the inbox, my favorites, and the heart (찜) buttons' form posts.

Thin: parse input, call one service or selector, render or redirect. Every write is a plain
HTML form POST (CSRF-protected), so hearts and read marks work without JavaScript; the bell's
live count and toasts (``static/js/notifications.js``) are an enhancement on top.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from catalog.models import Item
from catalog.selectors import item_get
from common.errors import DomainError
from common.params import parse_flag, parse_page
from markets.models import Market
from markets.selectors import market_get
from notifications import services
from notifications.forms import NotificationSettingsForm
from notifications.selectors import (
    favorites_of,
    notification_preference,
    notifications_for,
    unread_count,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PAGE_SIZE = 20


class FavoriteKind(TypedDict):
    get: Callable[[int], Market | Item]
    add: Callable[[User, int], object]
    remove: Callable[[User, int], None]
    page: Callable[[int], str]
    added: "StrPromise"
    removed: "StrPromise"


# What each kind of notification is called in the inbox (presentation only).

# kind -> (look the target up (404 when missing), add, remove, its page, flash messages)
FAVORITE_KINDS: dict[str, FavoriteKind] = {
    "market": {
        "get": lambda pk: market_get(market_id=pk),
        "add": lambda user, pk: services.favorite_market_add(user=user, market_id=pk),
        "remove": lambda user, pk: services.favorite_market_remove(user=user, market_id=pk),
        "page": lambda pk: reverse("markets:detail", args=[pk]),
        "added": gettext_lazy(
            "찜 목록에 담았어요: %(name)s. 이 마트에 새 파티가 열리면 알려 드려요."
        ),
        "removed": gettext_lazy("찜 목록에서 뺐어요: %(name)s"),
    },
    "item": {
        "get": lambda pk: item_get(item_id=pk),
        "add": lambda user, pk: services.favorite_item_add(user=user, item_id=pk),
        "remove": lambda user, pk: services.favorite_item_remove(user=user, item_id=pk),
        "page": lambda pk: reverse("home") + f"?item={pk}",
        "added": gettext_lazy(
            "찜 목록에 담았어요: %(name)s. 우리 집 근처에 이 품목 파티가 열리면 알려 드려요."
        ),
        "removed": gettext_lazy("찜 목록에서 뺐어요: %(name)s"),
    },
}


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """``next`` from the form when it points back into this site, else ``fallback``."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


def _local_url(url: str, fallback: str) -> str:
    """A notification's link, if it is a path on this site."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return fallback


# --- pages ---------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required
    unread_only = parse_flag(request.GET, "unread")
    notifications = notifications_for(user_id=user.pk, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(parse_page(request.GET))
    for notification in page:
        shown = services.notification_payload(notification)
        notification.label = shown["label"]
        notification.message = shown["message"]
        notification.reason_label = shown["reason_label"]
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_total": unread_count(user_id=user.pk),
        },
    )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which groups notify me, and my quiet hours: a plain form (works without JavaScript)."""
    user = cast(User, request.user)  # @login_required
    preference = notification_preference(user_id=user.pk)
    form = NotificationSettingsForm(request.POST or None, preference=preference)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preference_update(
                user=user,
                muted_types=form.muted_types(),
                quiet_hours=form.cleaned_data["quiet_hours"],
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("알림 설정을 저장했어요."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def favorites(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required
    return render(request, "notifications/favorites.html", favorites_of(user_id=user.pk))


# --- writes (form posts) -------------------------------------------------------------------


@require_POST
def favorite_toggle(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """Heart button: ``favorite=1`` favorites, ``favorite=0`` stops; both are idempotent, so a
    double submit or a stale page lands in the state the button showed."""
    spec = FAVORITE_KINDS[kind]
    if not request.user.is_authenticated:
        # Logging in comes back to the page the heart was on (this URL only takes POSTs).
        return redirect_to_login(_safe_next(request, spec["page"](object_id)))
    wanted = request.POST.get("favorite")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest(_("잘못된 요청이에요."))
    target = spec["get"](object_id)  # NotFound: the app's 404 page
    if wanted == "1":
        spec["add"](request.user, target.pk)
        messages.success(request, spec["added"] % {"name": target.name})
    else:
        spec["remove"](request.user, target.pk)
        messages.success(request, spec["removed"] % {"name": target.name})
    return redirect(_safe_next(request, spec["page"](object_id)))


@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read, then go where it points (its party)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("notifications:inbox"))
    notification = services.notification_mark_read(
        user=request.user, notification_id=notification_id
    )  # NotFound: the app's 404 page
    payload = services.notification_payload(notification)
    return redirect(_local_url(payload["url"], reverse("notifications:inbox")))


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("notifications:inbox"))
    marked = services.notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("알림 %(n)d개를 모두 읽음으로 표시했어요.") % {"n": marked})
    return redirect(_safe_next(request, reverse("notifications:inbox")))
