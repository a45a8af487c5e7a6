from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """The admins' queues: penalty appeals (and reports). Above every app whose content it
    reviews: it reads chat transcripts and party pages, and calls their services."""

    name = "moderation"
    verbose_name = _("신고·이의 처리")
