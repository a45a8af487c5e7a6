"""The report page (works without JavaScript): what is reported, a reason, and back."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from common.errors import DomainError
from common.params import MAX_ID, ascii_int
from moderation import services
from moderation.models import TargetType


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    target_type = params.get("type", "")
    target_id = ascii_int(params.get("id", ""))
    back = _back(request)
    if target_type not in TargetType.values or target_id is None or not 0 < target_id < MAX_ID:
        messages.error(request, _("신고할 대상을 찾을 수 없어요."))
        return redirect(back)
    error = ""
    if request.method == "POST":
        try:
            services.report_create(
                reporter=cast(User, request.user),
                target_type=target_type,
                target_id=target_id,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as refusal:
            if refusal.code in ("report_exists", "report_target_not_found", "report_self"):
                messages.info(request, refusal.message)
                return redirect(back)
            error = refusal.message
        else:
            messages.success(request, _("신고를 받았어요. 관리자가 검토한 뒤 알려 드릴게요."))
            return redirect(back)
    return render(
        request,
        "moderation/report.html",
        {
            "target_type": target_type,
            "target_label": TargetType(target_type).label,
            "target_id": target_id,
            "next": back,
            "error": error,
            "reason": request.POST.get("reason", ""),
        },
        status=400 if error else 200,
    )
