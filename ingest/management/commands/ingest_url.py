"""``python manage.py ingest_url URL``: fetch one article and extract its events."""

from ingest.management.ingest_command import IngestCommand


class Command(IngestCommand):
    help = "Fetch the article at URL, store it and extract its events (through the worker)."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--published", help="publication date YYYY-MM-DD if the page has none")
        parser.add_argument("--source", default="", help="outlet name (default: the site's)")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        from events.services.articles import article_submit_url

        queue = self.use_worker(options)
        job = article_submit_url(url=options["url"], queue=queue, options={
            "published": options["published"] or "", "source_name": options["source"]})
        if not queue:
            self.run_sync(job)
        self.finish(job, options)
