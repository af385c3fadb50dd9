from django.apps import AppConfig


class WatchConfig(AppConfig):
    """Watches (alerts on control changes and verified events) and the changes feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "watch"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the on-commit nudge)
