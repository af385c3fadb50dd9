"""Matching control changes to watches: 1,000 watches and 10,000 control changes.

Writes 10,000 control-change events (with their control-log rows, so the triggers write
20,000 change rows) and 1,000 watches (areas, countries, places, actors) into the bench
database (``bench/benchdb.py``), then times the matcher (``watch.services.changes_dispatch``:
set-based SQL, the GiST index on the watches' areas) and, as the baseline in the same run,
the naive loop over every watch for each change on a sample, extrapolated to all. Both
must find the same matches on the sample. Everything written is removed at the end.

    .venv/bin/python bench/watch_matching.py [--watches 1000] [--changes 10000] [--sample 300]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchdb import use_bench_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    use_bench_database()
    import django

    django.setup()
    run(args)


def run(args) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.db import connection, transaction

    from events.choices import ActorRole, ControlState, EventOrigin, EventType
    from events.models import Actor, ControlFlip, Event, EventActor, Place
    from watch.matching import COUNT_SQL
    from watch.models import Change, Delivery, DispatchCursor, Watch
    from watch.services import changes_dispatch
    from watch.triggers import TABLES

    rng = random.Random(args.seed)
    countries = ["SY", "IQ", "YE", "UA", "LY", "SD", "ML", "SO"]
    places = list(Place.objects.filter(country_code__in=countries)
                  .values_list("id", "point", "country_code"))
    actors = list(Actor.objects.values_list("id", flat=True))
    print(f"{len(places)} places in {len(countries)} countries, {len(actors)} actors")
    user, _ = get_user_model().objects.get_or_create(username="bench-watcher")
    Watch.objects.filter(owner=user).delete()

    # Watches: 60 % areas (0.1 to 2 degrees wide, around a place), 15 % countries,
    # 15 % places, 10 % actors; a confidence threshold each.
    watches = []
    for i in range(args.watches):
        roll = rng.random()
        values = {"owner": user, "name": f"bench {i}",
                  "min_confidence": rng.choice([0.0, 0.3, 0.5, 0.7])}
        if roll < 0.6:
            _pk, point, _cc = rng.choice(places)
            half = rng.uniform(0.05, 1.0)
            values["area"] = MultiPolygon(Polygon.from_bbox(
                (point.x - half, point.y - half, point.x + half, point.y + half)), srid=4326)
        elif roll < 0.75:
            values["country_code"] = rng.choice(countries)
        elif roll < 0.9:
            values["place_id"] = rng.choice(places)[0]
        else:
            values["actor_id"] = rng.choice(actors)
        watches.append(Watch(**values))
    Watch.objects.bulk_create(watches)

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM watch_change")
        start_change = cursor.fetchone()[0]
    DispatchCursor.objects.update_or_create(pk=1, defaults={"last_change_id": start_change})

    def write(n: int, *, triggers: bool) -> tuple[list, float]:
        started = time.perf_counter()
        with transaction.atomic():
            if not triggers:  # the same write without the change log, for comparison
                with connection.cursor() as cursor:
                    for table in TABLES.values():
                        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            events = _write(n)
            if not triggers:
                with connection.cursor() as cursor:
                    # the foreign keys' checks run now, so that no trigger event is pending
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for table in TABLES.values():
                        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return events, time.perf_counter() - started

    def _write(n: int) -> list:
        events = Event.objects.bulk_create(Event(
            type=EventType.CONTROL_CHANGE, date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 900),
            place_id=rng.choice(places)[0], confidence=round(rng.uniform(0.2, 1.0), 2),
            origin=EventOrigin.IMPORT, summary="bench") for i in range(n))
        gainers = {e.pk: rng.choice(actors) for e in events}
        losers = {e.pk: rng.choice(actors) for e in events}
        EventActor.objects.bulk_create(
            [EventActor(event=e, actor_id=gainers[e.pk], role=ActorRole.GAINS_CONTROL)
             for e in events]
            + [EventActor(event=e, actor_id=losers[e.pk], role=ActorRole.LOSES_CONTROL)
               for e in events if losers[e.pk] != gainers[e.pk]])
        ControlFlip.objects.bulk_create(ControlFlip(
            event=e, place_id=e.place_id, date=e.date, state=ControlState.HELD,
            actor_id=gainers[e.pk], lost_by_id=losers[e.pk] if losers[e.pk] != gainers[e.pk]
            else None, confidence=e.confidence) for e in events)
        return events

    plain, plain_s = write(args.changes, triggers=False)
    Event.objects.filter(pk__in=[e.pk for e in plain]).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM watch_change")
        start_change = cursor.fetchone()[0]
    DispatchCursor.objects.update_or_create(pk=1, defaults={"last_change_id": start_change})
    events, write_s = write(args.changes, triggers=True)
    n_changes = Change.objects.filter(id__gt=start_change).count()
    print(f"wrote {len(events)} events + control-log rows in {write_s:.1f} s, commit "
          f"included (the triggers wrote {n_changes} change rows); without the triggers, "
          f"same run: {plain_s:.1f} s")

    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE watch_watch")
            cursor.execute("ANALYZE watch_change")
            cursor.execute("EXPLAIN " + COUNT_SQL, {"lo": start_change, "hi": 2 ** 62})
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"the area join uses the GiST index: {'watch_watch_area' in plan}")
            started = time.perf_counter()
            cursor.execute(COUNT_SQL, {"lo": start_change, "hi": 2 ** 62})
            pairs = cursor.fetchone()[0]
            match_s = time.perf_counter() - started
        print(f"ours, matching only: {n_changes} changes in {match_s:.2f} s, {pairs} matches, "
              f"{n_changes / match_s:,.0f} changes/s")

        started = time.perf_counter()
        batches = 0
        while True:
            result = changes_dispatch(batch_size=2000)
            if not result.webhooks and not Change.objects.filter(
                    id__gt=result.last_change_id).exists():
                break
            batches += 1
        ours_s = time.perf_counter() - started
        matches = Delivery.objects.filter(watch__owner=user).count()
        print(f"ours, matching and writing the deliveries: {n_changes} changes in "
              f"{ours_s:.2f} s ({batches} batches), {matches} deliveries, "
              f"{n_changes / ours_s:,.0f} changes/s")

        # Baseline: for each change, every watch in turn (GEOS point-in-polygon).
        flips = list(ControlFlip.objects.filter(event__in=events).select_related("place"))
        sample = rng.sample(flips, min(args.sample, len(flips)))
        all_watches = list(Watch.objects.filter(owner=user, active=True))
        started = time.perf_counter()
        naive = set()
        for flip in sample:
            for watch in all_watches:
                if not watch.on_control or flip.confidence < watch.min_confidence:
                    continue
                if ((watch.area is not None and watch.area.intersects(flip.place.point))
                        or (watch.country_code and watch.country_code == flip.place.country_code)
                        or watch.place_id == flip.place_id
                        or (watch.actor_id and watch.actor_id in (flip.actor_id, flip.lost_by_id))):
                    naive.add((watch.pk, flip.pk))
        naive_s = time.perf_counter() - started
        per_change = naive_s / len(sample)
        ours_pairs = set(Delivery.objects.filter(
            watch__owner=user, change__kind="control",
            change__object_id__in=[f.pk for f in sample]).values_list("watch_id",
                                                                      "change__object_id"))
        print(f"baseline (loop over watches): {len(sample)} changes in {naive_s:.2f} s, "
              f"{1 / per_change:,.0f} changes/s; {args.changes} changes would take "
              f"{per_change * args.changes:.1f} s")
        print(f"same matches on the sample: {naive == ours_pairs} ({len(naive)} pairs)")
        print(f"speed-up of the matching: {per_change * args.changes / match_s:.0f} x "
              f"(the baseline's time for the {args.changes} control changes / ours)")
    finally:
        with transaction.atomic():
            Delivery.objects.filter(watch__owner=user).delete()
            Watch.objects.filter(owner=user).delete()
            Event.objects.filter(pk__in=[e.pk for e in events]).delete()
        Change.objects.filter(id__gt=start_change).delete()


if __name__ == "__main__":
    main()
