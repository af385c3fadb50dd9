"""``python manage.py ingest_file PATH [--published YYYY-MM-DD] [--source NAME]``."""

import datetime as dt

from django.core.management.base import CommandError

from ingest.management.ingest_command import IngestCommand


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--published must be a date YYYY-MM-DD, not {value!r}.") from exc


class Command(IngestCommand):
    help = "Ingest an HTML or plain-text file as an article and extract its events."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--published", help="publication date YYYY-MM-DD")
        parser.add_argument("--source", default="", help="name of the outlet that published it")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        from pathlib import Path

        from events.services.articles import article_submit_file

        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        published = _date(options["published"]) if options["published"] else None
        queue = self.use_worker(options)
        job = article_submit_file(path=path, published=published, source_name=options["source"],
                                  queue=queue)
        if job.status == "failed":
            raise CommandError(f"{path.name} was not ingested: {job.message}")
        if not queue:
            self.run_sync(job)
        self.finish(job, options)
