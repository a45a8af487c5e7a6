from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for ``make run`` (``manage.py seed_demo``): markets, catalog, residents and
    open parties. It uses every domain app and no app uses it."""

    name = "demo"
    verbose_name = _("데모 데이터")
