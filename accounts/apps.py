from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("회원")

    def ready(self) -> None:
        from accounts.handlers import end_connections_of_suspended_user
        from common.events import EventType, register_reaction

        register_reaction(
            EventType.USER_SUSPENDED, "accounts.end_connections", end_connections_of_suspended_user
        )
