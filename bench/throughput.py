"""Throughput of the whole ingest against bare spaCy on the same texts, in one run.

    python bench/throughput.py [--data ../shared/eval/acled_dev.jsonl] [--corpus ../shared/corpus]
                               [--shape articles|notes|both] [--processes 1 2] [--rounds 3]

The baseline is ``nlp.pipe`` of the same model over the same texts, loaded by
``spacy.load`` as spaCy ships it. A second baseline, the same bare model multiplying its
matrices through numpy as ours does (``NLP_MATRIX_LIBRARY``), is measured in the same
rounds: the ratio to it is what our own code costs on top of the model. Ours is the whole
ingest of each text: clean -> store the article (dedup, search vector) -> NLP (our
pipeline: the same model with line-break sentences and a faster attribute-rule match,
then entities, gazetteer resolution, events) -> save events, evidence, mentions and the
control log in one transaction. Both run with 1 and with 2 worker processes (each process
builds its own extractor with ``preload_extractor``, as a Celery worker does at start;
start-up is timed apart), in rounds that alternate the sides in the same processes
(``--rounds``, each side's median kept: one pass takes a few seconds and this machine's
noise moved single-pass ratios by +-0.08). All processes run in the same environment, one
math thread each (``conflictkb`` sets ``OPENBLAS_NUM_THREADS=1``, as the product runs).
The writes go to a bench database of its own, emptied before each round.

Two shapes of the same words: article-length documents (the eval notes of one country
joined into ~400-word situation reports, plus the corpus article), which is what the
product ingests, and each ~48-word note as a document of its own, where the fixed cost
of storing an article (two transactions, about twenty queries) dominates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchdb import use_bench_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _notes(data: Path) -> list[dict]:
    return [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()
            if line.strip()] if data.exists() else []


def _corpus(corpus: Path) -> list[tuple[str, str, str | None]]:
    if not corpus.is_dir():
        return []
    return [(path.name, path.read_text(encoding="utf-8"), "2020-02-06")
            for path in sorted(corpus.glob("*.txt"))]


def _with_corpus(texts: list, data: Path, corpus: Path) -> list[tuple[str, str, str | None]]:
    texts = texts + _corpus(corpus)
    if not texts:
        sys.exit(f"no texts: neither {data} nor {corpus} exists")
    return texts


def load_texts(data: Path, corpus: Path) -> list[tuple[str, str, str | None]]:
    """(id, text, published) of every eval note and corpus article; all distinct texts."""
    texts = []
    for row in _notes(data):
        published = dt.date.fromisoformat(row["event_date"]) + dt.timedelta(days=2)
        texts.append((row["id"], row["text"], published.isoformat()))
    return _with_corpus(texts, data, corpus)


def load_reports(data: Path, corpus: Path, words: int = 400) -> list[tuple[str, str, str]]:
    """The same notes as article-length documents, like a conflict monitor's situation
    report: one country's notes in date order, one paragraph each, joined until a
    document has ``words`` words; published two days after its last note. Plus the
    corpus articles."""
    by_country: dict[str, list[dict]] = {}
    for row in _notes(data):
        by_country.setdefault(row.get("country") or "", []).append(row)
    texts = []
    for country, rows in sorted(by_country.items()):
        rows.sort(key=lambda r: (r["event_date"], r["id"]))
        chunk: list[dict] = []
        for i, row in enumerate(rows):
            chunk.append(row)
            if sum(len(r["text"].split()) for r in chunk) >= words or i == len(rows) - 1:
                published = dt.date.fromisoformat(chunk[-1]["event_date"]) + dt.timedelta(days=2)
                texts.append((f"{country}-{len(texts)}", "\n\n".join(r["text"] for r in chunk),
                              published.isoformat()))
                chunk = []
    return _with_corpus(texts, data, corpus)


def _setup_django():
    import django

    django.setup()


# Both sides read this once before the clock starts, as a worker that has been running
# a while has: spaCy's, dateparser's and the language detector's first-call costs.
WARM_UP = ("Government forces captured the village of Tell Example on Monday after clashes "
           "with rebel fighters, a monitoring group said on Wednesday. Two civilians were "
           "killed and about 300 families fled towards the border.")


@cache
def _bare_model(model: str, matrix_library: str | None):
    """The model as spaCy ships it (``matrix_library`` None), or with only its matrix
    library changed: none of our components or other speed-ups (load_model); loaded and
    warmed once per process, as ``get_extractor`` is on our side."""
    import spacy

    nlp = spacy.load(model)
    if matrix_library:
        from ingest.nlp.pipeline import use_matrix_library

        use_matrix_library(nlp, matrix_library)
    list(nlp.pipe([WARM_UP]))
    return nlp


def _bare_worker(args):
    texts, model, matrix_library = args
    nlp = _bare_model(model, matrix_library)
    started = time.perf_counter()
    for _ in nlp.pipe([t for _, t, _ in texts], batch_size=32):
        pass
    return time.perf_counter() - started


def _ingest_worker(args):
    """The whole ingest of ``texts`` in this process, into emptied tables.

    Returns (seconds, events, start-up, {stage: seconds}). Every round starts with the
    gazetteer's memoised look-ups forgotten, as cold as the first.
    """
    texts, _model, _matrix_library = args
    _setup_django()
    from events.choices import ArticleOrigin
    from events.models import Place
    from events.services.articles import article_create_from_clean
    from events.services.extraction import article_extraction_save
    from ingest.clean import clean_text
    from ingest.extraction import get_extractor, pipeline_version
    from ingest.tasks import preload_extractor

    t0 = time.perf_counter()
    preload_extractor()  # what a Celery worker does at start (built once, GC-frozen)
    extractor = get_extractor()
    startup = time.perf_counter() - t0
    version = pipeline_version()
    extractor.extract(clean_text(WARM_UP).text, published=dt.date(2020, 1, 1))
    Place.objects.exists()
    extractor.gazetteer.forget_lookups()
    stages = {"clean and store": 0.0, "NLP": 0.0, "save": 0.0}
    started = time.perf_counter()
    articles = []
    for _doc_id, text, published in texts:
        clean = clean_text(text)
        article = article_create_from_clean(clean=clean, origin=ArticleOrigin.TEXT,
                                            options={"published": published})
        articles.append((article, dt.date.fromisoformat(published) if published else None))
    stages["clean and store"] = time.perf_counter() - started
    events = 0
    results = extractor.extract_many([(str(a.pk), a.text, p) for a, p in articles],
                                     batch_size=32)
    for article, _ in articles:
        tick = time.perf_counter()
        result = next(results)
        tock = time.perf_counter()
        summary = article_extraction_save(article=article, result=result,
                                          pipeline_version=result.version or version)
        stages["NLP"] += tock - tick
        stages["save"] += time.perf_counter() - tock
        events += len(summary.event_ids)
    seconds = time.perf_counter() - started
    return seconds, events, startup, stages


def _empty_bench_tables():
    _setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_controlflip, events_evidence, events_eventactor, "
                       "events_eventaccord, events_mention, events_revision, events_event, "
                       "events_ingestjob, events_article CASCADE")
    connection.close()


def _pool(processes: int):
    # A fresh interpreter per worker, like a Celery prefork child; kept for all rounds.
    return mp.get_context("spawn").Pool(processes)


def _round(pool, texts, processes: int, worker, model: str,
           matrix_library: str | None = None) -> list:
    chunks = [texts[i::processes] for i in range(processes)]
    return pool.map(worker, [(chunk, model, matrix_library) for chunk in chunks],
                    chunksize=1)


def _slowest(round_results: list) -> float:
    return max(r[0] for r in round_results)


def _measure(texts, processes: list[int], model: str, rounds: int,
             matrix_library: str) -> None:
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
    print(f"{len(texts)} documents, {words} words ({words / len(texts):.0f} per document); "
          f"model {model}")
    print(f"{'processes':>9}  {'bare spaCy docs/s':>17}  {'words/s':>8}  "
          f"{'whole ingest docs/s':>19}  {'words/s':>8}  {'ratio':>5}  {'events':>6}  "
          f"{'start-up s':>10}  {'ratio to bare spaCy with ' + matrix_library + ' products'}")
    for n in processes:
        # Rounds alternate the two sides in the same worker processes, so the machine's
        # noise falls on both; each side's time is its median round. The slowest process
        # decides when a round is done: its time is the max over processes.
        bare_rounds, same_ops_rounds, our_rounds = [], [], []
        with _pool(n) as bare_pool, _pool(n) as our_pool:
            for _ in range(rounds):
                bare_rounds.append(max(_round(bare_pool, texts, n, _bare_worker, model)))
                same_ops_rounds.append(max(_round(bare_pool, texts, n, _bare_worker, model,
                                                  matrix_library)))
                _empty_bench_tables()
                our_rounds.append(_round(our_pool, texts, n, _ingest_worker, model))
        bare_s = statistics.median(bare_rounds)
        ours = sorted(our_rounds, key=_slowest)[(len(our_rounds) - 1) // 2]  # median round
        ours_s = _slowest(ours)
        events = sum(r[1] for r in ours)
        startup = max(r[2] for r in our_rounds[0])
        slowest = max(ours, key=lambda r: r[0])[3]
        # Each round's two sides ran back to back, under the same noise: the ratio is the
        # median of the rounds' ratios.
        ratios = [b / _slowest(o) for b, o in zip(bare_rounds, our_rounds, strict=True)]
        ratio = statistics.median(ratios)
        same_ops = statistics.median(
            b / _slowest(o) for b, o in zip(same_ops_rounds, our_rounds, strict=True))
        each = " ".join(f"{r:.2f}" for r in ratios)
        print(f"{n:>9}  {len(texts) / bare_s:>17.1f}  {words / bare_s:>8.0f}  "
              f"{len(texts) / ours_s:>19.1f}  {words / ours_s:>8.0f}  {ratio:>5.2f}  "
              f"{events:>6}  {startup:>10.1f}  {same_ops:.2f}", flush=True)
        print(f"{'':>9}  rounds' ratios: {each}; the median round's slowest process: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in slowest.items())
              + f" (bare spaCy {bare_s:.2f} s, with {matrix_library} products "
              f"{statistics.median(same_ops_rounds):.2f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/acled_dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of each side, alternating; each side's median is kept")
    parser.add_argument("--shape", choices=["articles", "notes", "both"], default="both",
                        help="articles: the notes joined into article-length situation "
                             "reports (~400 words); notes: each ~48-word note a document")
    args = parser.parse_args(argv)

    use_bench_database()
    from django.conf import settings

    _setup_django()
    model = settings.SPACY_MODEL
    matrix_library = settings.NLP_MATRIX_LIBRARY
    # Both sides' processes inherit this environment (conflictkb sets it as the product runs).
    print("math threads per process: " + ", ".join(
        f"{name}={os.environ.get(name, 'unset')}" for name in ("OPENBLAS_NUM_THREADS",
                                                              "OMP_NUM_THREADS")))
    if args.shape in ("articles", "both"):
        print("== article-length documents (notes joined into situation reports) ==")
        _measure(load_reports(args.data, args.corpus), args.processes, model, args.rounds,
                 matrix_library)
    if args.shape in ("notes", "both"):
        print("== each note a document (the worst case: fixed costs per article dominate) ==")
        _measure(load_texts(args.data, args.corpus), args.processes, model, args.rounds,
                 matrix_library)
    print("ratio = whole-ingest throughput / bare spaCy throughput (target >= 0.70); "
          f"the last column: the same bare model with {matrix_library} products, as ours")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
