from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_suspend, user_unsuspend


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "nickname",
        "sido",
        "sigungu",
        "is_staff",
        "suspended_at",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", ("suspended_at", admin.EmptyFieldListFilter), "sido"]
    readonly_fields = ["suspended_at", "suspension_reason"]

    def get_readonly_fields(self, request, obj=None):
        # A suspension is lifted with the action (through the service), not by the checkbox.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "is_active"] if obj is not None and obj.suspended_at else fields

    actions = ["suspend", "unsuspend"]
    search_fields = ["email", "nickname", "address"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("프로필"),
            {
                "fields": [
                    "nickname",
                    "address",
                    "lat",
                    "lng",
                    "sido",
                    "sigungu",
                    "location_precision",
                    "location_source",
                ]
            },
        ),
        (
            _("권한"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("기록"), {"fields": ["last_login", "date_joined"]}),
        (_("이용 정지"), {"fields": ["suspended_at", "suspension_reason"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "nickname", "password1", "password2"]}),
    ]

    @admin.action(description=_("선택한 회원 이용 정지 (로그인·연결이 바로 끊겨요)"))
    def suspend(self, request, queryset) -> None:
        for user_id in queryset.values_list("id", flat=True):
            user_suspend(user_id=user_id, reason=str(_("관리자 조치")))
        self.message_user(request, _("이용을 정지했어요."), messages.SUCCESS)

    @admin.action(description=_("선택한 회원 이용 정지 풀기"))
    def unsuspend(self, request, queryset) -> None:
        for user_id in queryset.values_list("id", flat=True):
            user_unsuspend(user_id=user_id)
        self.message_user(request, _("이용 정지를 풀었어요."), messages.SUCCESS)
