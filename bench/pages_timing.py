"""Time every page of the site with 100,000 events, against the 300 ms target.

    python bench/pages_timing.py [--events 100000] [--db conflictkb_pages] [--requests 20]

Seeds ``--db`` with bench/seed.py unless it already holds ``--events`` events, starts the
product's server (gunicorn, DEBUG off, like bench/api_load.py), logs in as the seeded
editor (editors see every page an analyst sees, and the review pages) and requests each
page ``--requests`` times, one at a time, after two warm-up requests. Prints the median
and the p95 of the time to the whole response body, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_load import free_port, load_average, start_server, stop_server  # noqa: E402
from bench.seed import USER_PASSWORD, ensure_seeded, ensure_users  # noqa: E402

TARGET_MS = 300


def pick_pages(url: str) -> list[tuple[str, str]]:
    """(label, path) of every page, with ids that have a lot to show."""
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://", 1)) as conn:
        one = lambda sql, *a: conn.execute(sql, a).fetchone()  # noqa: E731
        place_id, flips = one("""SELECT place_id, count(*) FROM events_controlflip
                                 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""")
        place_events = one("SELECT count(*) FROM events_event WHERE place_id = %s", place_id)[0]
        actor_slug, actor_events = one("""
            SELECT a.slug, count(*) FROM events_eventactor ea
            JOIN events_actor a ON a.id = ea.actor_id
            GROUP BY a.slug ORDER BY 2 DESC LIMIT 1""")
        accord_slug, accord_events = one("""
            SELECT a.slug, count(ea.id) FROM events_accord a
            LEFT JOIN events_eventaccord ea ON ea.accord_id = a.id
            GROUP BY a.slug ORDER BY 2 DESC LIMIT 1""")
        event_id = one("""SELECT e.id FROM events_event e JOIN events_evidence ev
                          ON ev.event_id = e.id WHERE e.type = 'control_change'
                          ORDER BY e.id LIMIT 1""")[0]
        article_id, article_evidence = one("""
            SELECT article_id, count(*) FROM events_evidence WHERE article_id IS NOT NULL
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""")
        review_id = one("""SELECT id FROM events_event WHERE review_status = 'extracted'
                           AND type = 'control_change' ORDER BY confidence, id LIMIT 1""")[0]
        place_name = one("SELECT name FROM events_place WHERE id = %s", place_id)[0]
        actor_name = one("SELECT name FROM events_actor WHERE slug = %s", actor_slug)[0]
    return [
        ("dashboard (home)", "/"),
        ("control map", "/map/"),
        ("map data, all places", "/map/control.json?date=2020-02-10"),
        ("map data, SY", "/map/control.json?" + urlencode({"date": "2020-02-10",
                                                          "country": "SY"})),
        (f"place ({flips} flips, {place_events} events)", f"/places/{place_id}/"),
        ("place card (map)", f"/places/{place_id}/card/"),
        (f"actor ({actor_events:,} roles)", f"/actors/{actor_slug}/"),
        (f"accord ({accord_events} events)", f"/accords/{accord_slug}/"),
        ("events, no filter", "/events/"),
        ("events, filtered", "/events/?" + urlencode(
            {"country": "SY", "type": "battle", "date_from": "2019-01-01",
             "date_to": "2019-12-31"})),
        ("events, text search", "/events/?" + urlencode({"q": "shelled"})),
        ("events, by names", "/events/?" + urlencode(
            {"actor": actor_name, "country": "Syria", "place": place_name})),
        ("events, unknown name (message)", "/events/?" + urlencode({"actor": "Nobody here"})),
        ("dashboard, one year", "/?" + urlencode({"start": "2019-01", "end": "2019-12"})),
        ("actors index", "/actors/"),
        ("accords index", "/accords/"),
        ("places index", "/places/"),
        ("places index, by name", "/places/?" + urlencode({"q": place_name})),
        ("articles index", "/articles/"),
        ("autocomplete, places", "/lookup/places.json?q=Sar"),
        ("event", f"/events/{event_id}/"),
        (f"article ({article_evidence} evidence)", f"/articles/{article_id}/"),
        ("search", "/search/?" + urlencode({"q": place_name})),
        ("review queue (editor)", "/review/"),
        ("review page (editor)", f"/review/{review_id}/"),
    ]


def log_in(session, base: str) -> None:
    session.get(f"{base}/accounts/login/", timeout=30)
    answer = session.post(f"{base}/accounts/login/", timeout=30, allow_redirects=False, data={
        "username": "bench-editor", "password": USER_PASSWORD,
        "csrfmiddlewaretoken": session.cookies.get("csrftoken")},
        headers={"Referer": f"{base}/accounts/login/"})
    if answer.status_code != 302:
        sys.exit(f"log-in failed: HTTP {answer.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--db", default="conflictkb_pages")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()

    url = ensure_seeded(args.db, events=args.events, places=args.places)
    ensure_users(url)
    pages = pick_pages(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, workers=args.workers, port=port)
    rows = []
    try:
        import requests

        session = requests.Session()
        log_in(session, base)
        print(f"load average before: {load_average()}", flush=True)
        for label, path in pages:
            for _ in range(2):
                warm = session.get(base + path, timeout=120)
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                answer = session.get(base + path, timeout=120)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    print(f"  {path}: HTTP {answer.status_code}", flush=True)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rows.append((label, path, statistics.median(times), p95, warm.status_code,
                         len(warm.content)))
            print(f"  {label}: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms",
                  flush=True)
    finally:
        stop_server(server)

    print(f"\n## Pages: {args.events:,} events, one client, {args.requests} requests per page "
          f"after 2 warm-ups, gunicorn {args.workers} workers, {os.cpu_count()} CPUs shared with "
          f"the database and other processes; load average after: {load_average()}\n")
    print(f"| {'page':<34} | {'median ms':>9} | {'p95 ms':>7} | {'< 300 ms':<8} "
          "| HTTP | KB | path |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 9}|{'-' * 10}|------|----|------|")
    for label, path, median, p95, status, size in rows:
        ok = "yes" if p95 < TARGET_MS and status == 200 else "NO"
        print(f"| {label:<34} | {median:9.0f} | {p95:7.0f} | {ok:<8} | {status} "
              f"| {size / 1024:.0f} | `{path}` |")


if __name__ == "__main__":
    main()
