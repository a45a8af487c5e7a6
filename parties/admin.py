"""Parties for support and moderation. A party's status, its counters and its members move
only through ``parties.services`` (the rules, the row lock, the members' notifications): here
they are read-only, and the transitions are list actions that call those services and say,
per party, what was done or why the rules refused."""

from collections.abc import Callable
from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.admin_tools import apply_each
from parties.models import Membership, Party
from parties.services import party_cancel, party_close, party_complete, party_hide


class MembershipInline(admin.TabularInline):
    """Who is in the party, for reading: joining, leaving and withdrawing are the members'
    own actions (the capacity and the counters are kept by the services)."""

    model = Membership
    extra = 0
    can_delete = False
    fields = ("user", "role", "joined_at", "left_at", "withdrawn_at", "withdraw_reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Party | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Party | None = None) -> bool:
        return False


# What support may still correct by hand: the words, never the rules' inputs (price,
# capacity, times, status, counters), which residents agreed to and the services keep.
EDITABLE = ("title", "description", "meeting_note")
FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "meeting_note",
    "status",
    "leader",
    "market",
    "item",
    "member_count",
    "capacity",
    "total_price",
    "total_quantity",
    "unit",
    "meet_at",
    "recruit_until",
    "rescheduled_at",
    "sido",
    "sigungu",
    "lat",
    "lng",
    "created_at",
    "closed_at",
    "finished_at",
    "hidden_at",
)


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "market",
        "item",
        "leader",
        "member_count",
        "capacity",
        "meet_at",
        "recruit_until",
    ]
    list_filter = ["status", ("hidden_at", admin.EmptyFieldListFilter), "sido"]
    search_fields = ["title", "market__name", "item__name", "leader__nickname"]
    list_select_related = ["market", "item", "leader"]
    fields = FIELDS
    readonly_fields = tuple(name for name in FIELDS if name not in EDITABLE)
    inlines = [MembershipInline]
    date_hierarchy = "created_at"
    actions = ["close_recruiting", "cancel_parties", "complete_parties", "hide_parties"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # parties come from residents, through party_create's checks

    def has_delete_permission(self, request: HttpRequest, obj: Party | None = None) -> bool:
        return False  # the record stays; a moderator hides instead

    # --- transitions, each through its service ------------------------------------------

    @admin.action(description=_("선택한 파티 모집 마감 (파티장 요청으로)"))
    def close_recruiting(self, request: HttpRequest, queryset: QuerySet[Party]) -> None:
        self._each(
            request,
            queryset,
            lambda party: party_close(party_id=party.pk, user=party.leader, staff=_staff(request)),
            gettext("모집을 마감했어요."),
        )

    @admin.action(description=_("선택한 파티 취소 (파티장 요청으로)"))
    def cancel_parties(self, request: HttpRequest, queryset: QuerySet[Party]) -> None:
        self._each(
            request,
            queryset,
            lambda party: party_cancel(party_id=party.pk, user=party.leader, staff=_staff(request)),
            gettext("파티를 취소했어요. 파티원에게 알림이 가요."),
        )

    @admin.action(description=_("선택한 파티 완료 (파티장 요청으로)"))
    def complete_parties(self, request: HttpRequest, queryset: QuerySet[Party]) -> None:
        self._each(
            request,
            queryset,
            lambda party: party_complete(
                party_id=party.pk, user=party.leader, staff=_staff(request)
            ),
            gettext("파티를 완료로 바꿨어요."),
        )

    @admin.action(description=_("선택한 파티 가리기 (운영: 다가올 모임은 취소돼요)"))
    def hide_parties(self, request: HttpRequest, queryset: QuerySet[Party]) -> None:
        self._each(
            request,
            queryset,
            lambda party: party_hide(party_id=party.pk),
            gettext("파티를 가렸어요."),
        )

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Party],
        transition: Callable[[Party], Party],
        done: str,
    ) -> None:
        """Run the transition on every selected party on its own (one refusal does not undo
        the others) and report each: done, or the rule's own message."""
        apply_each(
            self,
            request,
            queryset.select_related("leader").order_by("pk"),
            transition,
            name=lambda party: f"‘{party.title}’",
            done=done,
        )


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member (the admin requires one)."""
    return cast(User, request.user)
