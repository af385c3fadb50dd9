"""``manage.py extract [PATH ...] [--jsonl FILE] [--published YYYY-MM-DD]``.

Runs the NLP over files or JSON lines and prints one JSON object per document (the
contract of issue 3), without writing anything to the database. A document that cannot
be read is reported on stderr; the others are still processed, and the command exits
non-zero at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Extract places, actors, accords and events from texts and print them as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="text files; each file's path is its id")
        parser.add_argument("--jsonl", metavar="FILE",
                            help='JSON lines {"id", "text", "published"}; "-" reads stdin')
        parser.add_argument("--published", metavar="YYYY-MM-DD",
                            help="publication date of the files (and of lines without one)")
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args, paths, jsonl, published, batch_size, **options):
        if not paths and not jsonl:
            raise CommandError("give at least one PATH or --jsonl FILE")
        try:
            default_date = _date(published, "--published") if published else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.failures = 0
        documents = self._documents(paths, jsonl, default_date)
        from ingest.extraction import get_extractor

        extractor = None
        pending = []
        for doc in documents:
            pending.append(doc)
            if len(pending) >= batch_size:
                extractor = extractor or get_extractor()
                self._emit(extractor, pending, batch_size)
                pending = []
        if pending:
            extractor = extractor or get_extractor()
            self._emit(extractor, pending, batch_size)
        if self.failures:
            raise CommandError(f"{self.failures} document(s) could not be read")

    def _emit(self, extractor, items, batch_size):
        for result in extractor.extract_many(items, batch_size=batch_size):
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
        self.stdout.flush()

    def _fail(self, message: str) -> None:
        self.failures += 1
        self.stderr.write(message)

    def _documents(self, paths, jsonl, default_date) -> Iterator[tuple[str, str, dt.date | None]]:
        for name in paths:
            path = Path(name)
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                self._fail(f"{name}: no such file")
                continue
            except OSError as exc:
                self._fail(f"{name}: cannot be read: {exc.strerror or exc}")
                continue
            yield name, raw.decode("utf-8", errors="replace"), default_date
        if jsonl:
            yield from self._jsonl(jsonl, default_date)

    def _jsonl(self, name: str, default_date) -> Iterator[tuple[str, str, dt.date | None]]:
        if name == "-":
            opened = contextlib.nullcontext(sys.stdin)
        else:
            try:
                opened = open(name, encoding="utf-8", errors="replace")
            except FileNotFoundError:
                self._fail(f"{name}: no such file")
                return
            except OSError as exc:
                self._fail(f"{name}: cannot be read: {exc.strerror or exc}")
                return
        with opened as lines:
            for line_no, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict):
                        raise ValueError("expected a JSON object")
                    text = obj.get("text")
                    if not isinstance(text, str):
                        raise ValueError('"text" is missing or not a string')
                    doc_id = obj.get("id")
                    doc_id = str(doc_id) if doc_id is not None else f"{name}:{line_no}"
                    day = obj.get("published")
                    day = _date(str(day)[:10], '"published"') if day else default_date
                except json.JSONDecodeError as exc:
                    self._fail(f"{name}: line {line_no}: not valid JSON: {exc.msg}")
                    continue
                except ValueError as exc:
                    self._fail(f"{name}: line {line_no}: {exc}")
                    continue
                yield doc_id, text, day

