from django.apps import AppConfig


class TemplatesAppConfig(AppConfig):
    name = "templates_app"

    def ready(self) -> None:
        from templates_app import receivers  # noqa: F401 (connects them)
