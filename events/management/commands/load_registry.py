"""``manage.py load_registry [FILE ...]``: actors and accords from the registry files."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from events.services.registry import RegistryEntryError, registry_load
from ingest.nlp.registry import RegistryError, load_registry, registry_files


def _file_of(paths: list[Path], error: RegistryEntryError) -> Path | None:
    """The file that holds the entry the database rejected, to name it in the error."""
    section = "actors" if error.kind == "actor" else "accords"
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if any(str(raw.get("name", "")).strip() == error.name
               for raw in data.get(section) or [] if isinstance(raw, dict)):
            return path
    return None


class Command(BaseCommand):
    help = ("Load the actor and accord registry (events/registry/*.yaml by default). "
            "Idempotent and additive: values editors set in the database are kept.")
    # A data loader needs the models, not the URLs or views the system checks import.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                            help="Registry YAML files (default: every file of events/registry).")

    def handle(self, *args, files=(), verbosity=1, **options):
        paths = list(files) or registry_files()
        if not paths:
            raise CommandError("No registry files found.")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            actors, accords = load_registry(paths)
        except RegistryError as exc:
            raise CommandError(f"Bad registry file: {exc}") from exc
        except (AttributeError, TypeError) as exc:
            # A file whose top level or entries are not mappings.
            raise CommandError(f"Bad registry file among {', '.join(map(str, paths))}: "
                               f"entries must be mappings ({exc})") from exc
        try:
            result = registry_load(actors=actors, accords=accords)
        except RegistryEntryError as exc:
            where = _file_of(paths, exc)
            raise CommandError(f"Bad registry file: {where or 'registry'}: {exc}; "
                               "nothing was loaded") from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"Registry ({len(paths)} file{'s' if len(paths) != 1 else ''}): "
                f"{result.summary()}."))
