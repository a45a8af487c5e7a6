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
            say_meeting_moved,
            say_member_withdrew,
        )
        from common.events import EventType, register_reaction, subscribe

        # From the outbox, once per event: a room opens (and closes) even if the process
        # that closed (or cancelled) the party died right after its commit.
        register_reaction(EventType.PARTY_CLOSED, "chat.open_room", open_room_when_party_closes)
        register_reaction(
            EventType.PARTY_CANCELLED, "chat.close_room", close_room_when_party_is_cancelled
        )
        # Live only: ends a leaver's open subscriptions (nothing to repair if it is lost).
        subscribe(EventType.PARTY_LEFT, revoke_subscriptions_when_member_leaves)
        subscribe(EventType.PARTY_WITHDRAWN, revoke_subscriptions_when_member_leaves)
        register_reaction(EventType.PARTY_WITHDRAWN, "chat.member_withdrew", say_member_withdrew)
        register_reaction(EventType.PARTY_RESCHEDULED, "chat.meeting_moved", say_meeting_moved)
