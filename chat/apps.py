from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("채팅")

    def ready(self) -> None:
        from chat.handlers import (
            close_room_when_party_is_cancelled,
            open_room_when_party_closes,
            revoke_subscriptions_when_member_leaves,
        )
        from common import events

        events.subscribe("party.closed", open_room_when_party_closes)
        events.subscribe("party.cancelled", close_room_when_party_is_cancelled)
        events.subscribe("party.left", revoke_subscriptions_when_member_leaves)
