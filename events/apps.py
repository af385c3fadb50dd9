from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The knowledge base: places, actors, accords, events and the control log."""

    name = "events"
    verbose_name = "Knowledge base"

    def ready(self):
        from conflictkb import checks  # noqa: F401 - registers the deployment checks
