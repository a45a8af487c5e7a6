from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "nickname", "sido", "sigungu", "is_staff", "date_joined"]
    list_filter = ["is_staff", "is_active", "sido"]
    search_fields = ["email", "nickname", "address"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("프로필"), {"fields": ["nickname", "address", "lat", "lng", "sido", "sigungu"]}),
        (
            _("권한"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("기록"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "nickname", "password1", "password2"]}),
    ]
