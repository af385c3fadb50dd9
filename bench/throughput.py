"""Throughput of the whole ingest against bare spaCy on the same texts, in one run.

    python bench/throughput.py [--data ../shared/eval/acled_dev.jsonl] [--corpus ../shared/corpus]

The baseline is ``nlp.pipe`` of the same model over the same texts. Ours is the whole
ingest of each text: clean -> store the article (dedup, search vector) -> NLP (entities,
gazetteer resolution, events) -> save events, evidence, mentions and the control log in
one transaction. Both run with 1 and with 2 worker processes (each process loads its own
model and gazetteer, as a Celery worker does; start-up is timed apart). The writes go to
a bench database of their own, emptied before each run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchdb import use_bench_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_texts(data: Path, corpus: Path) -> list[tuple[str, str, str | None]]:
    """(id, text, published) of every eval note and corpus article; all distinct texts."""
    texts = []
    if data.exists():
        import datetime as dt

        for line in data.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            published = dt.date.fromisoformat(row["event_date"]) + dt.timedelta(days=2)
            texts.append((row["id"], row["text"], published.isoformat()))
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.txt")):
            texts.append((path.name, path.read_text(encoding="utf-8"), "2020-02-06"))
    if not texts:
        sys.exit(f"no texts: neither {data} nor {corpus} exists")
    return texts


def _setup_django():
    import django

    django.setup()


def _bare_worker(args):
    texts, model = args
    from ingest.nlp.pipeline import load_model

    nlp = load_model(model)
    started = time.perf_counter()
    for _ in nlp.pipe([t for _, t, _ in texts], batch_size=32):
        pass
    return time.perf_counter() - started


def _ingest_worker(args):
    """The whole ingest of ``texts`` in this process; returns (seconds, events, start-up)."""
    texts, _model = args
    _setup_django()
    import datetime as dt

    from django.db import connection

    from events.choices import ArticleOrigin
    from events.services.articles import article_create_from_clean
    from events.services.extraction import article_extraction_save
    from ingest.clean import clean_text
    from ingest.extraction import get_extractor, pipeline_version

    t0 = time.perf_counter()
    extractor = get_extractor()
    startup = time.perf_counter() - t0
    version = pipeline_version()
    started = time.perf_counter()
    articles = []
    for _doc_id, text, published in texts:
        clean = clean_text(text)
        article = article_create_from_clean(clean=clean, origin=ArticleOrigin.TEXT,
                                            options={"published": published})
        articles.append((article, dt.date.fromisoformat(published) if published else None))
    events = 0
    items = [(str(a.pk), a.text, p) for a, p in articles]
    for (article, _), result in zip(articles, extractor.extract_many(items, batch_size=32),
                                    strict=True):
        summary = article_extraction_save(article=article, result=result,
                                          pipeline_version=result.version or version)
        events += len(summary.event_ids)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, events, startup


def _empty_bench_tables():
    _setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_controlflip, events_evidence, events_eventactor, "
                       "events_eventaccord, events_mention, events_revision, events_event, "
                       "events_ingestjob, events_article CASCADE")
    connection.close()


def run(texts, processes: int, worker, model: str):
    chunks = [texts[i::processes] for i in range(processes)]
    ctx = mp.get_context("spawn")  # a fresh interpreter per worker, like a Celery prefork child
    with ctx.Pool(processes) as pool:
        wall = time.perf_counter()
        results = pool.map(worker, [(chunk, model) for chunk in chunks])
        wall = time.perf_counter() - wall
    return results, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/acled_dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    use_bench_database()
    from django.conf import settings

    _setup_django()
    model = settings.SPACY_MODEL
    texts = load_texts(args.data, args.corpus)
    from ingest.clean import CleanError, clean_text

    def accepted(text):
        try:
            clean_text(text)
        except CleanError:
            return False
        return True

    refused = [doc_id for doc_id, text, _ in texts if not accepted(text)]
    texts = [t for t in texts if t[0] not in refused]
    if refused:
        print(f"{len(refused)} texts are too short to be ingested as articles; "
              "both sides run without them")
    words = sum(len(t.split()) for _, t, _ in texts)
    print(f"{len(texts)} documents, {words} words; model {model}")
    print(f"{'processes':>9}  {'bare spaCy docs/s':>17}  {'words/s':>8}  "
          f"{'whole ingest docs/s':>19}  {'words/s':>8}  {'ratio':>5}  {'events':>6}  "
          f"{'start-up s':>10}")
    rows = []
    for n in args.processes:
        # The slowest process decides when the work is done: time = max over processes.
        bare, _ = run(texts, n, _bare_worker, model)
        bare_s = max(bare)
        _empty_bench_tables()
        ours, _ = run(texts, n, _ingest_worker, model)
        ours_s = max(r[0] for r in ours)
        events = sum(r[1] for r in ours)
        startup = max(r[2] for r in ours)
        ratio = bare_s / ours_s
        rows.append((n, len(texts) / bare_s, words / bare_s, len(texts) / ours_s, words / ours_s,
                     ratio, events, startup))
        print(f"{n:>9}  {len(texts) / bare_s:>17.1f}  {words / bare_s:>8.0f}  "
              f"{len(texts) / ours_s:>19.1f}  {words / ours_s:>8.0f}  {ratio:>5.2f}  "
              f"{events:>6}  {startup:>10.1f}", flush=True)
    print("ratio = whole-ingest throughput / bare spaCy throughput (target >= 0.70)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
