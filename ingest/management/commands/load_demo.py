"""``python manage.py load_demo``: ingest the demo corpus, once.

Reads ``../shared/corpus/*.txt`` (beside the repository, when present) and the short
texts in ``ingest/demo/``; publication dates and outlets come from
``ingest/demo/published.json``. A text whose content is already stored is skipped, so
running it again (``make run`` does each time) adds nothing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from events.models import Article
from ingest import dedup
from ingest.clean import clean_document
from ingest.errors import IngestError
from ingest.management.ingest_command import IngestCommand

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(IngestCommand):
    help = "Ingest the demo corpus (../shared/corpus and ingest/demo); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(settings.BASE_DIR.parent / "shared" / "corpus"),
                            help="folder of .txt/.html articles (default ../shared/corpus)")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        from events.services.articles import article_submit_file

        meta = json.loads((DEMO_DIR / "published.json").read_text(encoding="utf-8"))
        corpus = Path(options["corpus"])
        paths = sorted(p for p in corpus.glob("*") if p.suffix in (".txt", ".html")) \
            if corpus.is_dir() else []
        if not paths:
            self.stdout.write(self.style.WARNING(f"No corpus at {corpus}; loading the demo texts "
                                                 "only."))
        paths += sorted(DEMO_DIR.glob("*.txt"))
        queue = self.use_worker(options)
        loaded = 0
        for path in paths:
            info = meta.get(path.name, {})
            try:
                clean = clean_document(path.read_bytes(), filename=path.name)
            except IngestError as exc:
                self.stderr.write(f"{path.name}: skipped, {exc}")
                continue
            if Article.objects.filter(content_hash=dedup.content_hash(clean.text)).exists():
                self.stdout.write(f"{path.name}: already loaded.")
                continue
            job = article_submit_file(path=path, published=info.get("published"),
                                      source_name=info.get("source", ""), queue=queue)
            self.stdout.write(f"{path.name}:")
            if not queue:
                self.run_sync(job)
            try:
                self.finish(job, options)
            except CommandError as exc:
                self.stderr.write(str(exc))
            loaded += 1
        self.stdout.write(self.style.SUCCESS(f"Demo corpus: {loaded} new articles submitted."))
