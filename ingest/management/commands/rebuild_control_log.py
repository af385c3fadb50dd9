"""``manage.py rebuild_control_log``: derive the whole control log again from the events."""

from django.core.management.base import BaseCommand

from events.services import control_log_rebuild


class Command(BaseCommand):
    help = "Rebuild the control log (who holds which place since when) from the events."

    def handle(self, *args, **options):
        count = control_log_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Control log rebuilt: {count} rows."))
