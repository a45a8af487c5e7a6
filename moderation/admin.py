"""The admins' queues. Appeals: both sides' statements and the party's chat, decided with
*uphold* or *revoke* (the change page's buttons or the list's actions) through
``penalties.services.penalty_appeal_decide``; both sides are notified. Reports: see
``ReportAdmin``."""

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
from moderation.models import Report, ReportStatus
from moderation.selectors import open_reports_on, target_preview, target_summary
from moderation.services import report_decide
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


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The report queue: what was reported (shown as it is, hidden or not), by whom and why,
    and how many reports the same target has; decided with *dismiss*, *hide content* or
    *suspend user* (the change page's buttons, or the list's actions)."""

    change_form_template = "admin/moderation/report_change_form.html"
    list_display = (
        "id",
        "target_type",
        "target_summary",
        "target_user",
        "reporter",
        "reason",
        "status",
        "created_at",
    )
    list_filter = ("status", "target_type", "created_at")
    list_select_related = ("reporter", "target_user")
    search_fields = ("reason", "reporter__nickname", "target_user__nickname")
    date_hierarchy = "created_at"
    actions = ["dismiss_selected", "hide_selected", "suspend_selected"]
    fields = (
        "status",
        "target_type",
        "target_summary",
        "target_preview",
        "target_user",
        "reports_on_target",
        "reporter",
        "reason",
        "created_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = fields

    @admin.display(description=_("대상"))
    def target_summary(self, report: Report) -> str:
        return target_summary(report)

    @admin.display(description=_("대상 내용"))
    def target_preview(self, report: Report) -> SafeString:
        return SafeString(
            render_to_string("admin/moderation/_report_target.html", target_preview(report))
        )

    @admin.display(description=_("같은 대상 신고 (처리 전)"))
    def reports_on_target(self, report: Report) -> int:
        return open_reports_on(report)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from residents

    def has_delete_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False  # the record stays

    def save_model(self, request, obj, form, change) -> None:
        pass  # read-only; decisions go through the buttons

    def response_change(self, request: HttpRequest, obj: Report) -> HttpResponse:
        for decision in ("dismiss", "hide", "suspend"):
            if f"_{decision}" in request.POST:
                self._decide(request, [obj.pk], decision)
                return HttpResponseRedirect(reverse("admin:moderation_report_changelist"))
        return super().response_change(request, obj)

    @admin.action(description=_("선택한 신고: 문제 없음"))
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, self._open_ids(queryset), "dismiss")

    @admin.action(description=_("선택한 신고: 내용 가리기"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, self._open_ids(queryset), "hide")

    @admin.action(description=_("선택한 신고: 신고된 회원 이용 정지"))
    def suspend_selected(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, self._open_ids(queryset), "suspend")

    @staticmethod
    def _open_ids(queryset: QuerySet[Report]) -> list[int]:
        return list(queryset.filter(status=ReportStatus.OPEN).values_list("id", flat=True))

    def _decide(self, request: HttpRequest, report_ids: list[int], decision: str) -> None:
        admin_user = cast("User", request.user)
        resolved = 0
        for report_id in report_ids:
            try:
                resolved += report_decide(report_id=report_id, admin=admin_user, decision=decision)
            except DomainError as error:
                self.message_user(request, f"#{report_id}: {error.message}", messages.WARNING)
        self.message_user(
            request,
            _("신고 %(n)d건을 처리했어요. 신고한 분들께 알림이 가요.") % {"n": resolved},
            messages.SUCCESS,
        )
