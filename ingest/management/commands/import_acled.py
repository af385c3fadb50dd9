"""``manage.py import_acled FILE [--dry-run]``: bulk import of an ACLED CSV export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.services.acled import acled_import


class Command(BaseCommand):
    help = ("Import an ACLED CSV export: events (idempotent on ACLED's event id), actors "
            "mapped through the registry, places matched to the gazetteer.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ACLED CSV export")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and count everything, save nothing")
        parser.add_argument("--batch-size", type=int, default=500,
                            help="rows saved per transaction (default 500)")

    def handle(self, *args, file, dry_run, batch_size, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            # utf-8-sig: spreadsheet programs put a byte-order mark before the header.
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
                summary = acled_import(lines=fh, dry_run=dry_run, batch_size=batch_size)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line_no, reason in summary.errors:
            self.stderr.write(f"{path}:{line_no}: skipped: {reason}")
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{summary.rows} rows read: {summary.created} events created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{len(summary.errors)} bad rows skipped, "
            f"{len(summary.candidate_actors)} new candidate actors, "
            f"{summary.unplaced} without a gazetteer place."))
