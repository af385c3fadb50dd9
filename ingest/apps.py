from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Fetching, cleaning, NLP and the Celery tasks that feed the knowledge base."""

    name = "ingest"
    verbose_name = "Ingestion"
