from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.urls import register_converter

        from common.embedded_beat import start_if_enabled
        from common.params import IdConverter

        # Before any URLconf is imported: every ``<id:...>`` route segment is a bounded id.
        register_converter(IdConverter, "id")

        start_if_enabled()
