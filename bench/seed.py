"""Seed a benchmark database with a realistic mix of events, fast, in set-based SQL.

    python bench/seed.py [--events 1000000] [--places 50000] [--db conflictkb_load] [--reset]

The database is ``--db`` on the server of ``DATABASE_URL`` (never the dev database:
names must not be the dev database's nor start with ``test_``). It is created, migrated
and loaded with the gazetteer and the actor registry the first time, like
``bench.benchdb.use_bench_database``.

What is seeded, all with ``INSERT ... SELECT generate_series`` (no Python loop per row):

- ``--places`` real places from the gazetteer: every populated place of the conflict
  countries (SY, IQ, YE, UA, AF, ...), then the most populous places elsewhere;
- events weighted by country (Syria most), within a country towards the bigger places,
  of types in realistic shares (shelling, battles, air strikes most; control changes 5%,
  sieges 1%), dated 2012-2024, with actors from the registry in roles;
- a control-log row for every active control change (held), siege or battle (contested),
  derived exactly as ``events.services.control.control_log_sync`` derives it;
- articles, and evidence sentences for the pipeline's events; accord links for a few;
- an editor (``bench-editor``) and an analyst (``bench-analyst``), password ``bench``.

Without ``--reset`` a database that already holds events is left alone (idempotent).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgis://conflictkb:conflictkb@127.0.0.1:5432/conflictkb"
USER_PASSWORD = "bench"
QUIET_DAYS = 14  # settings.CONTROL_QUIET_DAYS by default: a contest with no end reported

# Share of the events per country group; "ZZ" is every other place.
COUNTRY_SHARES = {
    "SY": 30, "UA": 14, "IQ": 9, "YE": 9, "AF": 5, "SO": 3, "LY": 3, "NG": 3, "CD": 3,
    "MM": 3, "ML": 2, "PS": 2, "SD": 2, "SS": 1, "LB": 1, "ET": 1, "BF": 1, "CO": 1,
    "TR": 1, "ZZ": 6,
}
# Foreign actors that fight in a country besides its own (registry names).
FOREIGN_ACTORS = {
    "SY": ["Russian armed forces", "Turkish armed forces", "Iranian armed forces",
           "Hezbollah", "US-led coalition", "Operation Peace Spring"],
    "UA": ["Russian armed forces", "Wagner Group"],
    "YE": ["Saudi-led coalition", "Saudi armed forces", "Emirati armed forces"],
    "IQ": ["US-led coalition", "Turkish armed forces", "PKK", "Iranian armed forces"],
    "LY": ["Wagner Group", "Turkish armed forces"],
    "ML": ["French armed forces", "Wagner Group"],
    "CD": ["Rwandan armed forces", "M23"],
    "PS": ["Israeli armed forces"],
    "LB": ["Israeli armed forces"],
}
# Event types and their shares (percent).
TYPE_SHARES = [
    ("shelling", 28), ("battle", 24), ("air_strike", 20), ("casualties", 8),
    ("displacement", 5), ("control_change", 5), ("other", 8), ("agreement", 1),
    ("siege", 1),
]


def database_url(name: str) -> str:
    dev = urlparse(os.environ.get("DATABASE_URL", DEFAULT_URL))
    dev_name = dev.path.lstrip("/")
    if name == dev_name or name.startswith("test_"):
        sys.exit(f"refusing to seed {name!r}: it is the dev database or a test database")
    return urlunparse(dev._replace(path="/" + name))


def _psycopg_url(url: str) -> str:
    return url.replace("postgis://", "postgresql://", 1)


def prepare_database(name: str) -> str:
    """Create, migrate and load the gazetteer and registry into ``name``; returns its URL."""
    import psycopg

    url = database_url(name)
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(_psycopg_url(admin), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating the database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conflictkb.settings"}
    for args in (("migrate", "--no-input", "-v", "0"), ("load_gazetteer", "--if-empty", "-v", "1"),
                 ("load_registry", "-v", "0")):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env,
                       cwd=ROOT)
    return url


def event_count(url: str) -> int:
    import psycopg

    with psycopg.connect(_psycopg_url(url)) as conn:
        return conn.execute("SELECT count(*) FROM events_event").fetchone()[0]


class Timer:
    def __init__(self):
        self.started = time.perf_counter()
        self.last = self.started

    def step(self, label: str, rows: int | None = None) -> None:
        now = time.perf_counter()
        extra = f" ({rows:,} rows)" if rows is not None else ""
        print(f"  {label:<44} {now - self.last:7.1f} s{extra}", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def _types_sql() -> str:
    total = sum(s for _, s in TYPE_SHARES)
    rows, lo = [], 0.0
    for i, (t, s) in enumerate(TYPE_SHARES):
        hi = 1.000001 if i == len(TYPE_SHARES) - 1 else lo + s / total
        rows.append(f"('{t}', {lo:.6f}, {hi:.6f})")
        lo = hi
    return ", ".join(rows)


def seed(url: str, *, events: int, places: int, reset: bool) -> None:
    """Seed ``events`` events over ``places`` places; prints the time of each step."""
    import psycopg

    timer = Timer()
    with psycopg.connect(_psycopg_url(url), autocommit=True) as conn:
        run = conn.execute
        if reset:
            run("TRUNCATE events_controlflip, events_evidence, events_eventactor, "
                "events_eventaccord, events_revision, events_mention, events_event, "
                "events_article, events_source RESTART IDENTITY CASCADE")
            timer.step("truncate")
        elif run("SELECT EXISTS (SELECT 1 FROM events_event)").fetchone()[0]:
            print("the database already holds events; use --reset to seed again")
            return
        run("SET work_mem = '256MB'")
        run("SET maintenance_work_mem = '512MB'")
        run("SET synchronous_commit = off")

        # The places: every populated place of the conflict countries, then the most
        # populous elsewhere; ranked by population within their group.
        groups = [c for c in COUNTRY_SHARES if c != "ZZ"]
        run("DROP TABLE IF EXISTS seed_place, seed_group, seed_actor, seed_type, seed_ev")
        run("""
            CREATE UNLOGGED TABLE seed_place AS
            WITH picked AS (
                SELECT id, country_code, population,
                       CASE WHEN country_code = ANY(%(groups)s) THEN country_code
                            ELSE 'ZZ' END AS grp
                FROM events_place WHERE kind = 'populated_place'
                ORDER BY (country_code = ANY(%(groups)s)) DESC, population DESC, id
                LIMIT %(places)s)
            SELECT grp, (row_number() OVER (PARTITION BY grp ORDER BY population DESC, id) - 1)::int
                   AS rank, id AS place_id
            FROM picked""", {"groups": groups, "places": places})
        run("CREATE UNIQUE INDEX ON seed_place (grp, rank)")

        # Actors per group: the country's own (accepted) actors plus the foreign ones that
        # fight there; the "ZZ" group and groups with fewer than two draw from every actor.
        run("CREATE UNLOGGED TABLE seed_actor (grp text, idx int, actor_id bigint)")
        run("""
            INSERT INTO seed_actor
            SELECT g.grp, (row_number() OVER (PARTITION BY g.grp ORDER BY a.id) - 1)::int, a.id
            FROM (SELECT DISTINCT grp FROM seed_place) g
            JOIN events_actor a ON NOT a.is_candidate
                 AND (a.country_code = g.grp OR a.name IN
                      (SELECT jsonb_array_elements_text(%(foreign)s::jsonb -> g.grp)))
            """, {"foreign": json.dumps(FOREIGN_ACTORS)})
        run("""
            DELETE FROM seed_actor WHERE grp IN
                (SELECT grp FROM seed_actor GROUP BY grp HAVING count(*) < 2)""")
        run("""
            INSERT INTO seed_actor
            SELECT g.grp, (row_number() OVER (PARTITION BY g.grp ORDER BY a.id) - 1)::int, a.id
            FROM (SELECT DISTINCT grp FROM seed_place
                  WHERE grp NOT IN (SELECT grp FROM seed_actor)) g
            CROSS JOIN events_actor a WHERE NOT a.is_candidate""")
        run("CREATE UNIQUE INDEX ON seed_actor (grp, idx)")

        # The groups with their cumulative event shares (over the groups that have places).
        present = {r[0]: (r[1], r[2]) for r in run("""
            SELECT p.grp, count(DISTINCT p.rank), (SELECT count(*) FROM seed_actor a
                                                    WHERE a.grp = p.grp)
            FROM seed_place p GROUP BY p.grp""").fetchall()}
        total = sum(s for c, s in COUNTRY_SHARES.items() if c in present)
        values, lo = [], 0.0
        for c, s in COUNTRY_SHARES.items():
            if c in present:
                hi = lo + s / total
                values.append(f"('{c}', {lo:.6f}, {hi:.6f}, {present[c][0]}, {present[c][1]})")
                lo = hi
        run("CREATE UNLOGGED TABLE seed_group (grp text, lo float8, hi float8, nplaces int, "
            "nactors int)")
        run(f"INSERT INTO seed_group VALUES {', '.join(values)}")
        run("UPDATE seed_group SET hi = 1.000001 WHERE hi = (SELECT max(hi) FROM seed_group)")
        run("CREATE UNLOGGED TABLE seed_type (type text, lo float8, hi float8)")
        run(f"INSERT INTO seed_type VALUES {_types_sql()}")
        timer.step("places, actors and shares", sum(p for p, _ in present.values()))

        # One staging row per event: every random choice made once, so that the event,
        # its actors and its control-log row agree.
        base = run("SELECT coalesce(max(id), 0) FROM events_event").fetchone()[0]
        run("""
            CREATE UNLOGGED TABLE seed_ev AS
            WITH r AS MATERIALIZED (
                SELECT g, random() AS rc, random() AS rp, random() AS rt, random() AS ra,
                       random() AS rb, random() AS rs, random() AS rd, random() AS rx
                FROM generate_series(1, %(n)s) g)
            SELECT %(base)s + r.g AS id, grp.grp, p.place_id, t.type,
                   DATE '2012-01-01' + floor(r.rd * 4749)::int AS date,
                   a.actor_id AS actor_a, b.actor_id AS actor_b,
                   CASE WHEN r.rs < 0.80 THEN 'extracted' WHEN r.rs < 0.96 THEN 'verified'
                        ELSE 'rejected' END AS review_status,
                   CASE WHEN r.rx < 0.70 THEN 'pipeline' WHEN r.rx < 0.95 THEN 'import'
                        ELSE 'editor' END AS origin,
                   round((0.3 + 0.69 * r.rb)::numeric, 3)::float8 AS confidence,
                   r.rx, r.rb
            FROM r
            JOIN seed_group grp ON r.rc >= grp.lo AND r.rc < grp.hi
            JOIN seed_place p ON p.grp = grp.grp
                 AND p.rank = least(floor(power(r.rp, 1.5) * grp.nplaces)::int, grp.nplaces - 1)
            JOIN seed_type t ON r.rt >= t.lo AND r.rt < t.hi
            JOIN seed_actor a ON a.grp = grp.grp AND a.idx = floor(r.ra * grp.nactors)::int
            JOIN seed_actor b ON b.grp = grp.grp
                 AND b.idx = (a.idx + 1 + floor(r.rb * (grp.nactors - 1))::int) %% grp.nactors
            """, {"n": events, "base": base})
        timer.step("staging rows", events)

        n = run("""
            INSERT INTO events_event (id, created_at, updated_at, type, date, date_precision,
                end_date, location_precision, location_text, fatalities, displaced, summary,
                confidence, review_status, reject_reason, locked_fields, origin,
                extractor_version, acled_event_id, merged_into_id, place_id)
            SELECT e.id, now(), now(), e.type, e.date,
                   CASE WHEN e.rx < 0.93 THEN 'day' WHEN e.rx < 0.99 THEN 'month' ELSE 'year' END,
                   CASE WHEN e.type = 'siege' AND e.rb < 0.6
                        THEN e.date + (30 + floor(e.rb * 400))::int END,
                   CASE WHEN e.rb < 0.85 THEN 'exact' ELSE 'near' END, '',
                   CASE WHEN e.type IN ('battle', 'air_strike', 'shelling', 'casualties')
                        THEN floor(power(e.rb, 3) * 40)::int END,
                   CASE WHEN e.type = 'displacement' THEN floor(e.rb * 5000)::int END,
                   initcap(replace(e.type, '_', ' ')) || ' reported on ' || e.date,
                   e.confidence, e.review_status,
                   CASE WHEN e.review_status = 'rejected' THEN 'Not an event (seeded)' ELSE '' END,
                   '{}', e.origin, CASE WHEN e.origin = 'pipeline' THEN 'seed-1' ELSE '' END,
                   CASE WHEN e.origin = 'import' THEN 'SEED' || e.id END, NULL, e.place_id
            FROM seed_ev e""").rowcount
        timer.step("events", n)

        # Roles as the extractor writes them: a control change has who gained and who lost,
        # fighting an initiator and a target, the rest one party.
        n = run("""
            INSERT INTO events_eventactor (role, actor_id, event_id)
            SELECT role, actor_id, id FROM (
                SELECT e.id, CASE WHEN e.type = 'control_change' THEN 'gains_control'
                                  WHEN e.type IN ('battle', 'siege', 'shelling', 'air_strike')
                                  THEN 'initiator' ELSE 'party' END AS role,
                       e.actor_a AS actor_id
                FROM seed_ev e
                UNION ALL
                SELECT e.id, CASE WHEN e.type = 'control_change' THEN 'loses_control'
                                  ELSE 'target' END, e.actor_b
                FROM seed_ev e
                WHERE e.type IN ('control_change', 'battle', 'siege', 'shelling', 'air_strike')
                      AND (e.type <> 'shelling' OR e.rx < 0.5)) roles""").rowcount
        timer.step("event actors", n)

        # The control log, as control_log_sync derives it from the rows just written.
        n = run("""
            INSERT INTO events_controlflip (date, end_date, state, confidence, actor_id,
                                            lost_by_id, event_id, place_id)
            SELECT ev.date,
                   CASE WHEN ev.type = 'control_change' THEN NULL
                        ELSE coalesce(ev.end_date, ev.date + %(quiet)s) END,
                   CASE WHEN ev.type = 'control_change' THEN 'held' ELSE 'contested' END,
                   ev.confidence,
                   CASE WHEN ev.type = 'control_change' THEN gain.actor_id
                        ELSE coalesce(init.actor_id, party.actor_id) END,
                   CASE WHEN ev.type = 'control_change' THEN lose.actor_id END,
                   ev.id, ev.place_id
            FROM events_event ev
            LEFT JOIN LATERAL (SELECT actor_id FROM events_eventactor x WHERE x.event_id = ev.id
                               AND x.role = 'gains_control' ORDER BY x.id LIMIT 1) gain ON true
            LEFT JOIN LATERAL (SELECT actor_id FROM events_eventactor x WHERE x.event_id = ev.id
                               AND x.role = 'loses_control' ORDER BY x.id LIMIT 1) lose ON true
            LEFT JOIN LATERAL (SELECT actor_id FROM events_eventactor x WHERE x.event_id = ev.id
                               AND x.role = 'initiator' ORDER BY x.id LIMIT 1) init ON true
            LEFT JOIN LATERAL (SELECT actor_id FROM events_eventactor x WHERE x.event_id = ev.id
                               AND x.role = 'party' ORDER BY x.id LIMIT 1) party ON true
            WHERE ev.id > %(base)s AND ev.place_id IS NOT NULL
              AND ev.review_status IN ('extracted', 'verified')
              AND (ev.type IN ('battle', 'siege')
                   OR (ev.type = 'control_change' AND gain.actor_id IS NOT NULL
                       AND ev.location_precision = 'exact'))
            """, {"base": base, "quiet": QUIET_DAYS}).rowcount
        # The side that lost each place in its first change held it before (inferred).
        n += run("""
            INSERT INTO events_controlflip (date, end_date, state, confidence, actor_id,
                                            lost_by_id, event_id, place_id, inferred,
                                            sources, verified)
            SELECT DATE '0001-01-01', NULL, 'held', f.confidence, f.lost_by_id, NULL,
                   f.event_id, f.place_id, 'loser', f.sources, f.verified
            FROM (SELECT DISTINCT ON (place_id) * FROM events_controlflip
                  WHERE state = 'held' AND event_id > %(base)s
                  ORDER BY place_id, date, confidence DESC, id) f
            WHERE f.lost_by_id IS NOT NULL AND f.lost_by_id <> f.actor_id
            ON CONFLICT DO NOTHING""", {"base": base}).rowcount
        timer.step("control log", n)

        # Articles (one per ~20 events) and an evidence sentence for each pipeline event.
        run("""
            INSERT INTO events_source (created_at, updated_at, name, domain, homepage, notes)
            SELECT now(), now(), 'Seed outlet ' || g, 'seed' || g || '.example.org',
                   'https://seed' || g || '.example.org/', ''
            FROM generate_series(1, 20) g ON CONFLICT (domain) DO NOTHING""")
        articles = max(events // 20, 1)
        abase = run("SELECT coalesce(max(id), 0) FROM events_article").fetchone()[0]
        n = run("""
            INSERT INTO events_article (id, created_at, updated_at, url, canonical_url, title,
                origin, author, published_at, language, text, content_hash, simhash,
                simhash_bands, duplicate_kind, status, status_message, attempts, claimed_at,
                processed_at, pipeline_version, search_vector, duplicate_of_id,
                submitted_by_id, feed_id, source_id)
            SELECT %(abase)s + g, now(), now(), u, u, t, 'url', '',
                   TIMESTAMPTZ '2012-01-02' + (g * 4749.0 / %(articles)s) * INTERVAL '1 day',
                   'en', body, md5(body), NULL, '{}', '', 'done', '', 1, NULL, now(), 'seed-1',
                   setweight(to_tsvector('english', t), 'A')
                   || setweight(to_tsvector('english', body), 'B'),
                   NULL, NULL, NULL, (SELECT min(id) FROM events_source) + g %% 20
            FROM (SELECT g, 'https://seed' || (g %% 20) || '.example.org/news/' || g AS u,
                         'Fighting reported near ' || p.name || ' (' || g || ')' AS t,
                         'Forces shelled positions near ' || p.name || ' on the outskirts. '
                         || 'Clashes continued overnight and several people were killed. '
                         || 'Residents said the town changed hands after heavy fighting.' AS body
                  FROM generate_series(1, %(articles)s) g
                  JOIN seed_place sp ON sp.grp = 'SY' AND sp.rank = g %% 300
                  JOIN events_place p ON p.id = sp.place_id) a
            """, {"abase": abase, "articles": articles}).rowcount
        timer.step("articles", n)
        n = run("""
            INSERT INTO events_evidence (sentence, start, "end", source_label, extractor_version,
                                         confidence, created_at, article_id, event_id)
            SELECT s.sentence, 0, length(s.sentence), '', 'seed-1', e.confidence, now(),
                   %(abase)s + 1 + (e.id %% %(articles)s), e.id
            FROM seed_ev e
            JOIN (VALUES
                ('control_change', 'Government forces took control of the town after clashes.'),
                ('battle', 'Clashes broke out between the two sides on the outskirts.'),
                ('air_strike', 'Warplanes struck the town, residents said.'),
                ('shelling', 'Artillery shelled residential areas overnight.'),
                ('siege', 'The town has been encircled and supplies cut off.'),
                ('casualties', 'Several civilians were killed, a monitor said.'),
                ('displacement', 'Thousands of families fled towards the border.'),
                ('agreement', 'The parties agreed a local truce.'),
                ('other', 'Security forces deployed in the area.')) s(type, sentence)
                 ON s.type = e.type
            WHERE e.origin = 'pipeline'
            """, {"abase": abase, "articles": articles}).rowcount
        timer.step("evidence", n)
        n = run("""
            INSERT INTO events_eventaccord (relation, accord_id, event_id)
            SELECT CASE WHEN e.rx < 0.3 THEN 'implements' WHEN e.rx < 0.7 THEN 'violates'
                        ELSE 'concerns' END,
                   (SELECT array_agg(id ORDER BY id) FROM events_accord)
                       [1 + e.id % (SELECT count(*) FROM events_accord)], e.id
            FROM seed_ev e WHERE e.rb < 0.01 AND EXISTS (SELECT 1 FROM events_accord)
            """).rowcount
        timer.step("accord links", n)

        for table in ("events_event", "events_eventactor", "events_controlflip",
                      "events_article", "events_evidence", "events_eventaccord",
                      "events_source"):
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))")
        run("DROP TABLE seed_place, seed_group, seed_actor, seed_type, seed_ev")
        run("VACUUM ANALYZE events_event, events_eventactor, events_controlflip, "
            "events_evidence, events_article, events_eventaccord, events_place")
        timer.step("vacuum analyze")
    print(f"seeded {events:,} events in {timer.total():.1f} s", flush=True)


def ensure_users(url: str) -> None:
    """An editor and an analyst for the pages that need a log-in."""
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conflictkb.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.permissions import ANALYSTS_GROUP, EDITORS_GROUP

    for username, group in (("bench-editor", EDITORS_GROUP), ("bench-analyst", ANALYSTS_GROUP)):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(USER_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=group)[0])


def ensure_seeded(name: str, *, events: int, places: int, reset: bool = False) -> str:
    """Prepare ``name`` and seed it unless it already holds ``events`` events."""
    url = prepare_database(name)
    have = event_count(url)
    if reset or have != events:
        if have and not reset:
            print(f"{name} holds {have:,} events, not {events:,}: seeding again", flush=True)
        seed(url, events=events, places=places, reset=True)
    else:
        print(f"{name} already holds {have:,} events", flush=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--db", default="conflictkb_load", help="database name to seed")
    parser.add_argument("--reset", action="store_true", help="empty the events and seed again")
    args = parser.parse_args()
    url = prepare_database(args.db)
    seed(url, events=args.events, places=args.places, reset=args.reset)
    ensure_users(url)


if __name__ == "__main__":
    main()
