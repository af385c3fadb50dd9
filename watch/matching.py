"""Matching committed changes to watches: set-based SQL over a batch of changes.

Each kind of target is matched by its own index: areas by the GiST index on
``watch_watch.area`` (ST_Intersects with the place's point), countries, places and actors
by b-trees. No loop over watches: a batch of changes is one statement.
"""

from __future__ import annotations

from django.db import connection

from events.models.control import BEFORE_RECORDS

# The changes a watch can be told about: control-log rows created or changed, and events
# an editor verified (or created verified). A holder inferred from before the records (the
# side a place was taken from held it before) is no change of hands: nobody is told of it.
_BATCH = """
WITH batch AS (
    SELECT c.id AS change_id, f.place_id, ARRAY[f.actor_id, f.lost_by_id] AS actor_ids,
           f.confidence, p.point, p.country_code, true AS is_control
    FROM watch_change c
    JOIN events_controlflip f ON f.id = c.object_id
    JOIN events_place p ON p.id = f.place_id
    WHERE c.id > %(lo)s AND c.id <= %(hi)s AND c.kind = 'control'
          AND c.action IN ('created', 'updated') AND f.date > %(before_records)s
    UNION ALL
    SELECT c.id, e.place_id,
           ARRAY(SELECT ea.actor_id FROM events_eventactor ea WHERE ea.event_id = e.id),
           e.confidence, p.point, p.country_code, false
    FROM watch_change c
    JOIN events_event e ON e.id = c.object_id
    JOIN events_place p ON p.id = e.place_id
    WHERE c.id > %(lo)s AND c.id <= %(hi)s AND c.kind = 'event'
          AND (c.action = 'verified' OR (c.action = 'created' AND c.status = 'verified'))
),
matches AS (
    SELECT w.id AS watch_id, b.change_id FROM batch b
    JOIN watch_watch w ON w.active AND w.area IS NOT NULL AND ST_Intersects(w.area, b.point)
    WHERE {fits}
    UNION
    SELECT w.id, b.change_id FROM batch b
    JOIN watch_watch w ON w.active AND w.country_code <> '' AND w.country_code = b.country_code
    WHERE {fits}
    UNION
    SELECT w.id, b.change_id FROM batch b
    JOIN watch_watch w ON w.active AND w.place_id = b.place_id
    WHERE {fits}
    UNION
    SELECT w.id, b.change_id FROM batch b
    JOIN watch_watch w ON w.active AND w.actor_id = ANY(b.actor_ids)
    WHERE {fits}
)
"""
_FITS = ("(CASE WHEN b.is_control THEN w.on_control ELSE w.on_verified END) "
         "AND b.confidence >= w.min_confidence")

MATCH_SQL = _BATCH.format(fits=_FITS) + """
INSERT INTO watch_delivery (watch_id, change_id, status, attempts, last_error, payload,
                            created_at)
SELECT m.watch_id, m.change_id,
       CASE WHEN w.webhook_url <> '' THEN 'pending' ELSE 'none' END, 0, '', '{}'::jsonb, now()
FROM matches m JOIN watch_watch w ON w.id = m.watch_id
ORDER BY m.change_id, m.watch_id
ON CONFLICT (watch_id, change_id) DO NOTHING
RETURNING id, watch_id, status
"""

COUNT_SQL = _BATCH.format(fits=_FITS) + "SELECT count(*) FROM matches"


def match_changes(*, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Write a delivery for every (watch, change) that matches among changes lo < id <= hi;
    returns the new rows (id, watch id, status). Rows already there are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(MATCH_SQL, {"lo": lo, "hi": hi, "before_records": BEFORE_RECORDS})
        return cursor.fetchall()
