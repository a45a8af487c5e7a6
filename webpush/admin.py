"""Push subscriptions for support: whose browser, since when, last delivered — never the
endpoint's path (a capability: whoever knows it can push) or the keys."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from webpush.models import PushSubscription
from webpush.sender import endpoint_origin


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "push_service", "user_agent", "created_at", "last_success_at")
    list_filter = (("last_success_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__nickname", "user__email")
    list_select_related = ("user",)
    fields = ("user", "push_service", "user_agent", "created_at", "last_success_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    @admin.display(description=_("푸시 서비스"))
    def push_service(self, subscription: PushSubscription) -> str:
        return endpoint_origin(subscription.endpoint)

    def has_add_permission(self, request) -> bool:
        return False  # only a browser subscribes itself

    def has_change_permission(self, request, obj=None) -> bool:
        return False
