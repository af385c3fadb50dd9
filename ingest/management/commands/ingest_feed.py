"""``python manage.py ingest_feed URL``: register (or update) an RSS/Atom feed and poll it."""

from events.choices import JobKind, JobStatus
from events.models import IngestJob
from ingest.management.ingest_command import IngestCommand


class Command(IngestCommand):
    help = ("Create or update the feed at URL and poll it now; its new entries are fetched and "
            "extracted. Celery beat polls it again at its interval.")

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--interval", type=int, default=None,
                            help="minutes between polls (default 60)")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        from events.services.articles import feed_submit

        queue = self.use_worker(options)
        job = feed_submit(url=options["url"], interval_minutes=options["interval"], queue=queue)
        if not queue:
            self.run_sync(job)
        job = self.finish(job, options)
        if job.status != JobStatus.DONE:
            return
        feed_id = job.options["feed_id"]
        entries = IngestJob.objects.filter(options__feed_id=feed_id, kind=JobKind.URL,
                                           created_at__gte=job.created_at)
        for entry in entries.order_by("created_at"):
            if options["sync"]:
                self.run_sync(entry)
            elif options["no_wait"]:
                continue
            else:
                entry = self.wait_job(entry, timeout=options["timeout"])
            entry.refresh_from_db()
            self.stdout.write(f"  {entry.url}: {entry.status}. {entry.message}")
