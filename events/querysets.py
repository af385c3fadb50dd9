"""QuerySets with the knowledge base's read logic, used by selectors."""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

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
                  "date", "event_id", "confidence", "contested", "lon", "lat")


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
    def _contested_on(self, day: dt.date):
        return self.model.objects.filter(state=ControlState.CONTESTED, date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def holders_at(self, day: dt.date):
        """One row per place: the last held flip on or before ``day``.

        Each row is annotated with ``contested``: whether a siege or battle that began
        after the holder took the place is still going on on ``day``. DISTINCT ON over the
        partial (place, date) index keeps this one query whatever the number of places.
        """
        contested = self._contested_on(day).filter(place=OuterRef("place"),
                                                   date__gte=OuterRef("date"))
        latest = (
            self.filter(state=ControlState.HELD, date__lte=day)
            .order_by("place_id", "-date", "-confidence", "-id")
            .distinct("place_id")
            .values("id")
        )
        # DISTINCT ON first, EXISTS after: in one SELECT Postgres would test every held row
        # for a contest before keeping the latest per place (measured 110 ms -> 35 ms).
        return (self.model.objects.filter(id__in=Subquery(latest))
                .annotate(contested=Exists(contested)).order_by("place_id"))

    def answers_at(self, day: dt.date, places):
        """Per place of ``places``, the flip that says who held it on ``day``.

        Its holder's flip (as ``holders_at`` finds it, annotated ``contested``) or, for a
        place no one is known to hold yet, its latest contest still open
        (as ``contested_without_holder_at``). One index probe per place, two for a place
        without a holder: for a country or a bounding box this reads far less than
        DISTINCT ON, which sorts every held flip of those places up to ``day`` (28 per
        place for Syria on 1M events: holders_at and contested_without_holder_at took
        9 + 31 ms there, this 7 ms).
        """
        held = (self.model.objects.filter(place=OuterRef("pk"), state=ControlState.HELD,
                                          date__lte=day)
                .order_by("-date", "-confidence", "-id").values("id")[:1])
        contest = (self._contested_on(day).filter(place=OuterRef("pk"))
                   .order_by("-date", "-id").values("id")[:1])
        answers = places.order_by().annotate(
            flip_id=Coalesce(Subquery(held), Subquery(contest))).values("flip_id")
        contested = self._contested_on(day).filter(place=OuterRef("place"),
                                                   date__gte=OuterRef("date"))
        return (self.filter(AnyOf("id", answers))
                .annotate(contested=Exists(contested)).order_by("place_id"))

    def answer_rows_at(self, day: dt.date, places, actor=None) -> list[tuple]:
        """``answers_at`` as plain rows (for the API's map), in one hand-written query.

        The same answers: per place of ``places``, its holder's flip with ``contested``,
        else its latest open contest (no actor, ``contested`` true); with ``actor``, the
        places that actor holds. Each row is a tuple of ``ANSWER_COLUMNS``: the flip's
        ``state``, ``date``, ``event_id``, ``confidence`` and ``actor_id``, the actor's and
        the place's names (``actor__name``, ``place__name``, ...) and the point's ``lon``
        and ``lat`` (tuples: a dict a row cost the map 0.2 of its ~9 ms). A LATERAL probe
        finds the holder (from the index alone), and a second one the open contest only
        where there is no holder. For Syria on 1M events Postgres took 3.2 ms for this and
        4.7 for ``answers_at``, whose correlated probes run twice, and Django another ~3 ms
        to build and compile that query.
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
                   COALESCE(h.confidence, c.confidence),
                   h.id IS NULL OR EXISTS (
                       SELECT 1 FROM {flips} o
                       WHERE h.id IS NOT NULL AND o.place_id = p.id AND o.state = %s
                         AND o.date >= h.date AND o.date <= %s
                         AND (o.end_date IS NULL OR o.end_date >= %s)),
                   p.lon, p.lat
            FROM ({place_sql}) p (id, geonames_id, name, country_code, admin1_name, lon, lat)
            LEFT JOIN LATERAL (
                -- Only columns of the held flips' index (flip_held_place_holder), the
                -- state being its condition: read from the index alone.
                SELECT f.id, f.actor_id, %s::varchar AS state, f.date, f.event_id,
                       f.confidence
                FROM {flips} f WHERE f.place_id = p.id AND f.state = %s AND f.date <= %s
                ORDER BY f.date DESC, f.confidence DESC, f.id DESC LIMIT 1) h ON true
            LEFT JOIN LATERAL (
                SELECT f.id, f.state, f.date, f.event_id, f.confidence
                FROM {flips} f
                WHERE h.id IS NULL AND f.place_id = p.id AND f.state = %s AND f.date <= %s
                  AND (f.end_date IS NULL OR f.end_date >= %s)
                ORDER BY f.date DESC, f.id DESC LIMIT 1) c ON true
            LEFT JOIN {actors} a ON a.id = h.actor_id
            WHERE (h.id IS NOT NULL OR c.id IS NOT NULL)"""
        # In the order of the placeholders: the EXISTS, the places, the two probes.
        params = [contest, day, day, *place_params, held, held, day, contest, day, day]
        if actor is not None:
            sql += " AND h.actor_id = %s"
            params.append(actor.pk)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def contested_without_holder_at(self, day: dt.date):
        """Places contested on ``day`` for which no holder is known yet (one row each)."""
        held_before = self.model.objects.filter(place=OuterRef("place"), state=ControlState.HELD,
                                                date__lte=day)
        return (
            self.filter(state=ControlState.CONTESTED, date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .filter(~Exists(held_before))
            .order_by("place_id", "-date", "-id")
            .distinct("place_id")
        )
