"""QuerySets with the knowledge base's read logic, used by selectors."""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import BooleanField, F, Func, Q, Value

from events.choices import ControlState, ReviewStatus
from events.expressions import coordinate


class AnyOf(Func):
    """``field = ANY(array)``, the array a list of ids (one parameter) or a subquery's rows.

    Where ``field__in=subquery`` let Postgres join the subquery, and so run its correlated
    probes again for each row it joined (1.5 of 7 ms for Syria's control on a date), the
    subquery is run once. A list is one array parameter, where ``__in`` makes one
    parameter of each id: the SQL stays the same whatever the ids (events/api's list
    reuses it) and Django does not prepare 50 values one by one.
    """

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, field: str, values):
        array = (Value(list(values), output_field=ArrayField(models.BigIntegerField()))
                 if isinstance(values, list | tuple) else ArraySubquery(values))
        super().__init__(F(field), array)


# The columns of ControlFlipQuerySet.answer_rows_at's rows, named as values() would name them.
ANSWER_COLUMNS = ("place_id", "place__geonames_id", "place__name", "place__country_code",
                  "place__admin1_name", "actor_id", "actor__name", "actor__slug", "state",
                  "date", "event_id", "confidence", "inferred", "sources", "verified",
                  "contested", "contested_until", "lon", "lat")


class EventQuerySet(models.QuerySet):
    def active(self):
        """Events that count: not rejected and not merged into another."""
        return self.filter(review_status__in=[ReviewStatus.EXTRACTED, ReviewStatus.VERIFIED])

    def news(self):
        """Events that count as news: not background, or background an editor verified
        (``Event.counts_as_news``)."""
        return self.filter(Q(background=False) | Q(review_status=ReviewStatus.VERIFIED))

    def with_related(self):
        return self.select_related("place", "merged_into").prefetch_related(
            "event_actors__actor", "event_accords__accord", "evidence__article",
        )


class ControlFlipQuerySet(models.QuerySet):
    def answer_rows_at(self, day: dt.date, places, actor=None, *, verified_only: bool = False,
                       min_sources: int = 0) -> list[tuple]:
        """Per place of ``places``, who held it on ``day``, as plain rows in one query.

        Its holder's flip (the last held flip up to ``day``; no actor: unheld), else its
        latest contest still open (no actor, contested). Each row is a tuple of
        ``ANSWER_COLUMNS``: the flip's ``state``, ``date``, ``event_id``, ``confidence``,
        ``inferred``, ``sources``, ``verified``, whether a siege or battle begun since the
        holder took it is open on ``day`` (``contested``) and until when
        (``contested_until``: the latest reported or quiet end of those contests, or the
        next change of control if sooner; None if neither is known), the actor's and the
        place's names and the point's ``lon`` and ``lat``. ``actor`` keeps the places that
        actor holds; ``verified_only`` the answers an editor verified; ``min_sources``
        those with at least that many independent sources. A LATERAL probe finds the
        holder (from the index alone), a second one the open contest only where there is
        no holder, a third the open contests' end.
        """
        # The places with the columns read of them, as a derived table.
        place_sql, place_params = places.order_by().values(
            "id", "geonames_id", "name", "country_code", "admin1_name",
            lon=coordinate("point", "x"), lat=coordinate("point", "y"),
        ).query.sql_with_params()
        flips = self.model._meta.db_table
        actors = self.model._meta.get_field("actor").related_model._meta.db_table
        held, contest = ControlState.HELD.value, ControlState.CONTESTED.value
        sql = f"""
            SELECT p.id, p.geonames_id, p.name, p.country_code, p.admin1_name,
                   h.actor_id, a.name, a.slug, COALESCE(h.state, c.state),
                   COALESCE(h.date, c.date), COALESCE(h.event_id, c.event_id),
                   COALESCE(h.confidence, c.confidence), COALESCE(h.inferred, c.inferred),
                   COALESCE(h.sources, c.sources), COALESCE(h.verified, c.verified),
                   COALESCE(o.open, false), LEAST(o.until, n.next),
                   p.lon, p.lat
            FROM ({place_sql}) p (id, geonames_id, name, country_code, admin1_name, lon, lat)
            LEFT JOIN LATERAL (
                -- Only columns of the held flips' index (flip_held_place_holder), the
                -- state being its condition: read from the index alone.
                SELECT f.id, f.actor_id, %s::varchar AS state, f.date, f.event_id,
                       f.confidence, f.inferred, f.sources, f.verified
                FROM {flips} f WHERE f.place_id = p.id AND f.state = %s AND f.date <= %s
                ORDER BY f.date DESC, f.confidence DESC, f.id DESC LIMIT 1) h ON true
            LEFT JOIN LATERAL (
                SELECT f.id, f.state, f.date, f.event_id, f.confidence, f.inferred,
                       f.sources, f.verified
                FROM {flips} f
                WHERE h.id IS NULL AND f.place_id = p.id AND f.state = %s AND f.date <= %s
                  AND (f.end_date IS NULL OR f.end_date >= %s)
                ORDER BY f.date DESC, f.id DESC LIMIT 1) c ON true
            LEFT JOIN LATERAL (
                -- The contests open on the day, begun since the holder took the place.
                SELECT bool_or(true) AS open,
                       CASE WHEN bool_or(o.end_date IS NULL) THEN NULL
                            ELSE max(o.end_date) END AS until
                FROM {flips} o
                WHERE o.place_id = p.id AND o.state = %s AND o.date <= %s
                  AND (o.end_date IS NULL OR o.end_date >= %s)
                  -- A bound of the index scan (an OR would not be one).
                  AND o.date >= COALESCE(h.date, '-infinity'::date)) o ON true
            LEFT JOIN LATERAL (
                -- A change of control after the day ends those contests.
                SELECT min(x.date) AS next FROM {flips} x
                WHERE o.open AND x.place_id = p.id AND x.state = %s AND x.date > %s) n ON true
            LEFT JOIN {actors} a ON a.id = h.actor_id
            WHERE (h.id IS NOT NULL OR c.id IS NOT NULL)"""
        # In the order of the placeholders: the places, then the probes.
        params = [*place_params, held, held, day, contest, day, day, contest, day, day,
                  held, day]
        if actor is not None:
            sql += " AND h.actor_id = %s"
            params.append(actor.pk)
        if verified_only:
            sql += " AND COALESCE(h.verified, c.verified)"
        if min_sources:
            sql += " AND COALESCE(h.sources, c.sources) >= %s"
            params.append(min_sources)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
