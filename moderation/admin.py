"""The appeal queue: each appeal with both sides' statements and the party's chat, decided
with *uphold* or *revoke* (the change page's buttons, or the list's actions), which call
``penalties.services.penalty_appeal_decide`` (both sides are notified)."""

from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from chat.selectors import chat_transcript
from common.errors import DomainError
from penalties.models import AppealStatus, PenaltyAppeal
from penalties.services import penalty_appeal_decide

if TYPE_CHECKING:
    from accounts.models import User


@admin.register(PenaltyAppeal)
class PenaltyAppealAdmin(admin.ModelAdmin):
    change_form_template = "admin/moderation/appeal_change_form.html"
    list_display = ("id", "member", "leader", "party", "penalty_reason", "status", "created_at")
    list_filter = ("status", "penalty__reason", "created_at")
    list_select_related = ("penalty__user", "penalty__given_by", "penalty__party")
    search_fields = (
        "penalty__user__nickname",
        "penalty__given_by__nickname",
        "penalty__party__title",
    )
    date_hierarchy = "created_at"
    actions = ["uphold_selected", "revoke_selected"]
    fields = (
        "status",
        "party",
        "member",
        "member_statement",
        "leader",
        "leader_statement",
        "chat_history",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_note",
    )
    readonly_fields = fields

    # --- what the queue shows ---------------------------------------------------------

    @admin.display(description=_("받은 사람"))
    def member(self, appeal: PenaltyAppeal) -> str:
        return appeal.penalty.user.nickname

    @admin.display(description=_("준 사람 (파티장)"))
    def leader(self, appeal: PenaltyAppeal) -> str:
        return appeal.penalty.given_by.nickname

    @admin.display(description=_("파티"))
    def party(self, appeal: PenaltyAppeal) -> SafeString:
        party = appeal.penalty.party
        return format_html('<a href="/parties/{}/">{}</a>', party.pk, party.title)

    @admin.display(description=_("사유"))
    def penalty_reason(self, appeal: PenaltyAppeal) -> str:
        return appeal.penalty.get_reason_display()

    @admin.display(description=_("받은 사람의 말 (이의 내용)"))
    def member_statement(self, appeal: PenaltyAppeal) -> str:
        return appeal.reason

    @admin.display(description=_("파티장의 말 (사유·메모)"))
    def leader_statement(self, appeal: PenaltyAppeal) -> str:
        penalty = appeal.penalty
        return " · ".join(part for part in (penalty.get_reason_display(), penalty.note) if part)

    @admin.display(description=_("파티 채팅 기록"))
    def chat_history(self, appeal: PenaltyAppeal) -> SafeString:
        return SafeString(
            render_to_string(
                "admin/moderation/_chat_transcript.html",
                {
                    "messages": chat_transcript(party_id=appeal.penalty.party_id),
                    "highlight": {appeal.penalty.user_id, appeal.penalty.given_by_id},
                },
            )
        )

    # --- deciding -----------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # appeals come from members, through the service's checks

    def has_delete_permission(self, request: HttpRequest, obj: PenaltyAppeal | None = None) -> bool:
        return False  # the record stays

    def save_model(self, request, obj, form, change) -> None:
        pass  # every field is read-only; decisions go through the buttons below

    def response_change(self, request: HttpRequest, obj: PenaltyAppeal) -> HttpResponse:
        for button, revoke in (("_uphold", False), ("_revoke", True)):
            if button in request.POST:
                self._decide(
                    request, [obj.pk], revoke=revoke, note=request.POST.get("decision_note", "")
                )
                return HttpResponseRedirect(reverse("admin:penalties_penaltyappeal_changelist"))
        return super().response_change(request, obj)

    @admin.action(description=_("선택한 이의 신청: 페널티 유지"))
    def uphold_selected(self, request: HttpRequest, queryset: QuerySet[PenaltyAppeal]) -> None:
        self._decide(request, self._pending_ids(queryset), revoke=False)

    @admin.action(description=_("선택한 이의 신청: 페널티 취소 (카운트에서 바로 빠져요)"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[PenaltyAppeal]) -> None:
        self._decide(request, self._pending_ids(queryset), revoke=True)

    @staticmethod
    def _pending_ids(queryset: QuerySet[PenaltyAppeal]) -> list[int]:
        return list(queryset.filter(status=AppealStatus.PENDING).values_list("id", flat=True))

    def _decide(
        self, request: HttpRequest, appeal_ids: list[int], *, revoke: bool, note: str = ""
    ) -> None:
        admin_user = cast("User", request.user)
        decided = 0
        for appeal_id in appeal_ids:
            try:
                penalty_appeal_decide(
                    appeal_id=appeal_id, admin=admin_user, revoke=revoke, note=note
                )
            except DomainError as error:
                self.message_user(request, f"#{appeal_id}: {error.message}", messages.WARNING)
            else:
                decided += 1
        done = (
            _("%(n)d건의 페널티를 취소했어요. 양쪽에 알림이 가요.")
            if revoke
            else _("%(n)d건의 페널티를 유지했어요. 양쪽에 알림이 가요.")
        )
        self.message_user(request, done % {"n": decided}, messages.SUCCESS)
