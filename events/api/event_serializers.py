"""Serializers for events: the nested read form and the editors' write forms."""

from __future__ import annotations

import datetime as dt
import weakref
from functools import cache

from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from psycopg.adapt import Loader
from psycopg.postgres import types as pg_types
from psycopg.pq import Format
from rest_framework import serializers

from events.choices import (
    AccordRelation,
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
    SubEventType,
    event_type_label,
    kind_for,
    sub_type_label,
)
from events.expressions import coordinate
from events.models import Accord, Actor, Event, EventAccord, EventActor, Evidence, Place
from events.querysets import AnyOf
from events.summaries import event_headline, headline_of

from .serializers import AccordBriefSerializer, ActorBriefSerializer, PlaceBriefSerializer


class EventActorSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = EventActor
        fields = ["actor", "role"]


class EventAccordSerializer(serializers.ModelSerializer):
    accord = AccordBriefSerializer(read_only=True)

    class Meta:
        model = EventAccord
        fields = ["accord", "relation"]


class EvidenceArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField(source="source.name", default=None, allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class EvidenceSerializer(serializers.ModelSerializer):
    article = EvidenceArticleSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "article", "sentence", "start", "end", "source_label",
                  "extractor_version", "confidence"]


class EventSerializer(serializers.ModelSerializer):
    """An event with its place, actors and roles, accords and evidence."""

    place = PlaceBriefSerializer(read_only=True, allow_null=True)
    actors = EventActorSerializer(source="event_actors", many=True, read_only=True)
    accords = EventAccordSerializer(source="event_accords", many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    headline = serializers.SerializerMethodField(
        help_text="What happened in one sentence, with names (events.summaries).")
    event_type_label = serializers.CharField(source="get_event_type_display", read_only=True,
                                             help_text="ACLED's label of event_type")
    sub_event_type_label = serializers.CharField(source="get_sub_event_type_display",
                                                 read_only=True,
                                                 help_text="ACLED's label of sub_event_type")

    class Meta:
        model = Event
        fields = ["id", "headline", "type", "event_type", "event_type_label", "sub_event_type",
                  "sub_event_type_label", "date", "date_precision", "end_date", "place",
                  "location_precision", "location_text", "fatalities", "injured", "displaced",
                  "summary", "background", "confidence", "review_status", "reject_reason",
                  "merged_into", "origin", "locked_fields", "actors", "accords", "evidence",
                  "created_at", "updated_at"]

    def get_headline(self, event: Event) -> str:
        return headline_of(event)


# --- the list's hot path ---------------------------------------------------------------

_EVENT_FIELDS = ("id", "type", "event_type", "sub_event_type", "date", "date_precision",
                 "end_date", "place_id", "location_precision", "location_text", "fatalities",
                 "injured", "displaced", "summary", "background",
                 "confidence", "review_status", "reject_reason", "merged_into_id", "origin",
                 "locked_fields", "created_at", "updated_at", "place__geonames_id",
                 "place__name", "place__admin1_name", "place__country_code")


def _datetime(value, zone):
    # What serializers.DateTimeField writes (ISO 8601 in the current time zone, UTC as Z),
    # at a tenth of its cost: a page has ~140 of them. A str was written so by the loader
    # (_utc_text_loader).
    if value is None or value.__class__ is str:
        return value
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_TIMESTAMPTZ_OID = pg_types["timestamptz"].oid
_UTC_KEYS = frozenset({"UTC", "Etc/UTC"})


@cache
def _utc_text_loader(base: type[Loader]) -> type[Loader]:
    """``base`` (Django's timestamptz loader), writing UTC times as the API's text at once.

    Postgres writes a timestamptz in a UTC session as ``2024-01-02 03:04:05.1234+00``; the
    API writes it ``2024-01-02T03:04:05.123400Z`` (``_datetime`` in UTC: microseconds as six
    digits, none when zero). Django's loader parses each with a regular expression into a
    datetime that ``_datetime`` formats again: ~5 us of a page's ~140 timestamps. Any other
    text (another session time zone or DateStyle, a year past 9999, BC) goes to ``base``.
    """

    class UTCTextLoader(base):
        def load(self, data):
            text = bytes(data).decode()
            if (len(text) >= 22 and text[10] == " " and text[4] == "-" and text[7] == "-"
                    and text.endswith("+00")):
                clock = text[11:-3]
                if len(clock) == 8:
                    return f"{text[:10]}T{clock}Z"
                if 10 <= len(clock) <= 15 and clock[8] == ".":
                    return f"{text[:10]}T{clock}{'0' * (15 - len(clock))}Z"
            return super().load(data)

    return UTCTextLoader


def _date(value):
    return None if value is None else value.isoformat()


def _brief(pk, name, slug, kind) -> dict:
    return {"id": pk, "name": name, "slug": slug, "kind": kind}


_ACTOR_FIELDS = ("event_id", "role", "actor_id", "actor__name", "actor__slug", "actor__kind")
_ACCORD_FIELDS = ("event_id", "relation", "accord_id", "accord__name", "accord__slug",
                  "accord__kind")
_EVIDENCE_FIELDS = ("event_id", "id", "article_id", "article__url", "article__title",
                    "article__source__name", "article__published_at", "sentence", "start",
                    "end", "source_label", "extractor_version", "confidence")


@cache
def _list_sql() -> str:
    """The SQL of ``event_list_data``'s four queries, made by the ORM once per process.

    Each takes one parameter, the array of event ids. Building and compiling the four
    querysets took Django 2.5 ms of a page's 4 ms; the rows need none of its converters
    (no field read here has one on PostgreSQL), so they are read as they come.
    """
    ids = AnyOf("event_id", [0])
    querysets = (
        Event.objects.filter(AnyOf("id", [0])).order_by().values_list(
            *_EVENT_FIELDS, coordinate("place__point", "x"), coordinate("place__point", "y")),
        EventActor.objects.filter(ids).order_by("event_id", "role", "actor__name")
        .values_list(*_ACTOR_FIELDS),
        EventAccord.objects.filter(ids).order_by("event_id", "id").values_list(*_ACCORD_FIELDS),
        Evidence.objects.filter(ids).order_by("event_id", "id").values_list(*_EVIDENCE_FIELDS),
    )
    return ";\n".join(qs.query.sql_with_params()[0] for qs in querysets)


# Per psycopg connection: True once its session holds the statements ``_prepare_sql``
# prepares, False when they failed there (see ``_execute_list``).
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STATEMENT = "ckb_event_list_{}"
# Where a prepared statement cannot be used: it does not exist in the session (a pooler
# handing out another server connection, DISCARD ALL) or it would now return other types
# (a migration changed a column since). One that exists already is used (a session this
# process did not prepare, behind a pooler).
_NOT_PREPARED = {"26000", "0A000"}
_DUPLICATE = "42P05"


@cache
def _prepare_sql() -> str:
    return ";\n".join(f"PREPARE {_STATEMENT.format(n)} (bigint[]) AS {sql % ('$1',)}"
                       for n, sql in enumerate(_list_sql().split(";\n")))


@cache
def _execute_sql() -> str:
    return ";\n".join(f"EXECUTE {_STATEMENT.format(n)} (%s)" for n in range(4))


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def _execute_list(cursor, ids: list[int]) -> None:
    """Run ``_list_sql``'s four statements for ``ids``, prepared once per connection.

    Parsing and planning the four statements cost Postgres ~0.5 of its ~1 ms for them, on
    every page; prepared (a generic plan: one parameter, an array of ids compared with
    primary and foreign keys), they are only executed. Django leaves psycopg's own prepared
    statements off (its default, for connection poolers), and they would take a round trip
    each: these are prepared in SQL and executed in one round trip, as before. Outside a
    transaction only, where a failure can be answered by the plain statements: if the
    session lost them (a pooler, DISCARD ALL) or a migration changed their columns'
    types, this connection goes back to the plain statements for good.
    """
    params = [ids] * 4
    pg = connection.connection
    usable = connection.get_autocommit() and not connection.in_atomic_block
    if usable and pg not in _PREPARED:
        try:
            cursor.execute(_prepare_sql())
            _PREPARED[pg] = True
        except DatabaseError as exc:
            _PREPARED[pg] = _sqlstate(exc) == _DUPLICATE
    if usable and _PREPARED.get(pg):
        try:
            # The ids written once, not quoted by psycopg for each statement (ints, never
            # text of a client's).
            array = "'{" + ",".join([str(int(pk)) for pk in ids]) + "}'"
            cursor.execute(_execute_sql().replace("%s", array))
            return
        except DatabaseError as exc:
            if _sqlstate(exc) not in _NOT_PREPARED:
                raise
            _PREPARED[pg] = False
    # The four statements in one round trip (psycopg's client-side binding, Django's
    # default, sends them as one simple query); a result set each.
    cursor.execute(_list_sql(), params)


def event_list_data(ids: list[int]) -> list[dict]:
    """``EventSerializer(many=True).data`` of the events ``ids``, in that order.

    Built from plain rows in four queries (``_list_sql``): model instances and nested
    serializers cost several times the queries on a page of 50 events (docs/benchmarks.md).
    The test ``test_list_rows_are_the_serializers`` holds the two to the same output.
    """
    zone = timezone.get_current_timezone()
    with connection.cursor() as cursor:
        if getattr(zone, "key", None) in _UTC_KEYS or zone is dt.UTC:
            adapters = cursor.cursor.adapters  # this cursor's own (copied on write)
            base = adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
            adapters.register_loader(_TIMESTAMPTZ_OID, _utc_text_loader(base))
        _execute_list(cursor, ids)
        rows = {row[0]: row for row in cursor.fetchall()}
        cursor.nextset()
        actor_rows = cursor.fetchall()
        cursor.nextset()
        accord_rows = cursor.fetchall()
        cursor.nextset()
        evidence_rows = cursor.fetchall()
    actors: dict[int, list] = {pk: [] for pk in rows}
    for event_id, role, *actor in actor_rows:
        actors[event_id].append({"actor": _brief(*actor), "role": role})
    accords: dict[int, list] = {pk: [] for pk in rows}
    for event_id, relation, *accord in accord_rows:
        accords[event_id].append({"accord": _brief(*accord), "relation": relation})
    evidence: dict[int, list] = {pk: [] for pk in rows}
    for (event_id, pk, article_id, url, title, source, published, sentence, start, end, label,
         version, confidence) in evidence_rows:
        article = None
        if article_id is not None:
            article = {"id": article_id, "url": url, "title": title, "source": source,
                       "published_at": _datetime(published, zone)}
        evidence[event_id].append({
            "id": pk, "article": article, "sentence": sentence, "start": start, "end": end,
            "source_label": label, "extractor_version": version, "confidence": confidence,
        })
    data = []
    for pk in ids:
        (_, type_, event_type, sub_event_type, date, date_precision, end_date, place_id,
         location_precision, location_text, fatalities, injured, displaced, summary,
         background, confidence, review_status, reject_reason,
         merged_into_id, origin, locked_fields, created_at, updated_at, geonames_id,
         place_name, admin1, country, lon, lat) = rows[pk]
        place = None
        if place_id is not None:
            place = {"id": place_id, "geonames_id": geonames_id, "name": place_name,
                     "lat": round(lat, 6), "lon": round(lon, 6), "admin1": admin1,
                     "country": country}
        headline = event_headline(
            type=type_, place=place_name if place_id is not None else location_text or None,
            actors=[(a["actor"]["name"], a["role"]) for a in actors[pk]],
            fatalities=fatalities, displaced=displaced,
            accords=[a["accord"]["name"] for a in accords[pk]]
            if type_ == EventType.AGREEMENT else ())
        data.append({
            "id": pk, "headline": headline, "type": type_, "event_type": event_type,
            "event_type_label": event_type_label(event_type),
            "sub_event_type": sub_event_type,
            "sub_event_type_label": sub_type_label(sub_event_type),
            "date": _date(date), "date_precision": date_precision,
            "end_date": _date(end_date), "place": place,
            "location_precision": location_precision, "location_text": location_text,
            "fatalities": fatalities, "injured": injured, "displaced": displaced,
            "summary": summary, "background": background,
            "confidence": confidence, "review_status": review_status,
            "reject_reason": reject_reason, "merged_into": merged_into_id, "origin": origin,
            "locked_fields": locked_fields, "actors": actors[pk], "accords": accords[pk],
            "evidence": evidence[pk], "created_at": _datetime(created_at, zone),
            "updated_at": _datetime(updated_at, zone),
        })
    return data


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "id or slug"})
class IdOrSlugRelatedField(serializers.RelatedField):
    default_error_messages = {
        "does_not_exist": "No {name} with id or slug {value!r}.",
        "incorrect_type": "Expected an id or a slug, got {data_type}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        lookup = {"pk": int(data)} if isinstance(data, int) or str(data).isdigit() \
            else {"slug": data}
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist:
            self.fail("does_not_exist", name=queryset.model._meta.verbose_name, value=data)

    def to_representation(self, value):
        return value.pk


class ActorRoleInputSerializer(serializers.Serializer):
    actor = IdOrSlugRelatedField(queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=ActorRole.choices)


class AccordLinkInputSerializer(serializers.Serializer):
    accord = IdOrSlugRelatedField(queryset=Accord.objects.all())
    relation = serializers.ChoiceField(choices=AccordRelation.choices,
                                       default=AccordRelation.CONCERNS)


class EventWriteSerializer(serializers.Serializer):
    """What an editor may set on an event; the view hands it to event_create/event_correct."""

    type = serializers.ChoiceField(choices=EventType.choices, required=False,
                                   help_text="Our kind; follows sub_event_type when only that "
                                             "is given.")
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices, required=False,
                                             help_text="ACLED's sub-event type (slug).")
    date = serializers.DateField()
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all(), required=False,
                                               allow_null=True)
    location_precision = serializers.ChoiceField(choices=LocationPrecision.choices,
                                                 required=False)
    location_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    fatalities = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                          max_value=2_000_000_000)
    injured = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                       max_value=2_000_000_000)
    background = serializers.BooleanField(required=False)
    displaced = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                         max_value=2_000_000_000)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    confidence = serializers.FloatField(required=False, min_value=0, max_value=1)
    actors = ActorRoleInputSerializer(many=True, required=False)
    accords = AccordLinkInputSerializer(many=True, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   write_only=True)

    def validate(self, attrs):
        start = attrs.get("date") or getattr(self.instance, "date", None)
        end = attrs["end_date"] if "end_date" in attrs else getattr(self.instance, "end_date", None)
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["The end date is before the date."]})
        if self.instance is None and "type" not in attrs:
            if "sub_event_type" not in attrs:
                raise serializers.ValidationError(
                    {"type": ["Give the event's type or its sub_event_type."]})
            attrs["type"] = kind_for(attrs["sub_event_type"])
        return attrs

    def service_arguments(self) -> tuple[dict, str]:
        """The validated data as the services take it: (values/changes, reason)."""
        data = dict(self.validated_data)
        reason = data.pop("reason", "")
        if "actors" in data:
            data["actors"] = [(row["actor"], row["role"]) for row in data["actors"]]
        if "accords" in data:
            data["accords"] = [(row["accord"], row["relation"]) for row in data["accords"]]
        return data, reason


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MergeSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1,
                                max_length=100, help_text="The duplicates to fold into this event.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SplitSerializer(serializers.Serializer):
    evidence_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                         required=False, default=list, max_length=1000)
    changes = serializers.DictField(required=False, default=dict,
                                    help_text="Values of the new event (as in PATCH).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RevertSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
