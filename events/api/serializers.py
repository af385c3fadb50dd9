"""Serializers for places, actors, accords, articles, jobs and control over time."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from events.choices import ControlEvidence, ControlInference, ControlState
from events.models import (
    Accord,
    Actor,
    ActorSupport,
    Article,
    Figure,
    IngestJob,
    Mention,
    Place,
    Revision,
    Source,
)
from events.models.control import BEFORE_RECORDS, evidence_level
from events.permissions import can_see_authors


class PlaceBriefSerializer(serializers.ModelSerializer):
    admin1 = serializers.CharField(source="admin1_name", read_only=True)
    country = serializers.CharField(source="country_code", read_only=True)
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = ["id", "geonames_id", "name", "lat", "lon", "admin1", "country"]

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_lat(self, place) -> float:
        return round(place.point.y, 6)

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_lon(self, place) -> float:
        return round(place.point.x, 6)


class PlaceSerializer(PlaceBriefSerializer):
    """A place with every gazetteer's id: GeoNames id, OCHA P-code, OpenStreetMap id."""

    admin2 = serializers.CharField(source="admin2_name", read_only=True)
    admin3 = serializers.CharField(source="admin3_name", read_only=True)

    class Meta(PlaceBriefSerializer.Meta):
        fields = [*PlaceBriefSerializer.Meta.fields, "pcode", "osm_id", "ascii_name", "kind",
                  "feature_code", "admin1_code", "admin2", "admin3", "population", "parent"]


class PlaceDetailSerializer(PlaceSerializer):
    class Meta(PlaceSerializer.Meta):
        fields = [*PlaceSerializer.Meta.fields, "aliases"]


class PlaceGeoSerializer(GeoFeatureModelSerializer):
    """Places as GeoJSON features (a point each)."""

    admin1 = serializers.CharField(source="admin1_name", read_only=True)
    country = serializers.CharField(source="country_code", read_only=True)

    class Meta:
        model = Place
        geo_field = "point"
        fields = ["id", "geonames_id", "pcode", "osm_id", "name", "kind", "country", "admin1",
                  "population"]


class ActorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "slug", "kind"]


class ActorSupportSerializer(serializers.ModelSerializer):
    supporter = ActorBriefSerializer(read_only=True)

    class Meta:
        model = ActorSupport
        fields = ["supporter", "start_date", "end_date", "note"]


class SupportedSerializer(serializers.ModelSerializer):
    supported = ActorBriefSerializer(read_only=True)

    class Meta:
        model = ActorSupport
        fields = ["supported", "start_date", "end_date", "note"]


class ActorSerializer(serializers.ModelSerializer):
    """An actor with its aliases, ACLED names and who backed it when (``backers``)."""

    parent = ActorBriefSerializer(read_only=True, allow_null=True)
    backers = ActorSupportSerializer(many=True, read_only=True)
    supports = SupportedSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "name", "slug", "kind", "country_code", "parent", "aliases",
                  "acled_names", "description", "color", "is_candidate", "backers", "supports"]


class AccordBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Accord
        fields = ["id", "name", "slug", "kind"]


class AccordSerializer(serializers.ModelSerializer):
    parties = ActorBriefSerializer(many=True, read_only=True)
    guarantors = ActorBriefSerializer(many=True, read_only=True)
    places = PlaceBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Accord
        fields = ["id", "name", "slug", "kind", "signed_date", "start_date", "end_date",
                  "aliases", "description", "is_candidate", "parties", "guarantors", "places"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "domain"]


class MentionSerializer(serializers.ModelSerializer):
    place = PlaceBriefSerializer(read_only=True)
    actor = ActorBriefSerializer(read_only=True)
    accord = AccordBriefSerializer(read_only=True)

    class Meta:
        model = Mention
        fields = ["kind", "start", "end", "text", "place", "actor", "accord", "event"]


class ArticleSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True)

    class Meta:
        model = Article
        fields = ["id", "url", "canonical_url", "title", "source", "origin", "published_at",
                  "language", "status", "status_message", "attempts", "last_error",
                  "duplicate_of", "duplicate_kind", "pipeline_version", "processed_at",
                  "created_at"]


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its text and the entities and event sentences found in it."""

    mentions = MentionSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text", "mentions", "events"]

    def get_events(self, article) -> list[int]:
        return sorted({ev.event_id for ev in article.evidence.all()})


class ArticleSubmitSerializer(serializers.Serializer):
    """Either ``url``, or ``text`` with an optional title, publication date and outlet."""

    url = serializers.URLField(required=False, max_length=2000)
    text = serializers.CharField(required=False, max_length=2_000_000, trim_whitespace=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    published = serializers.DateField(required=False, allow_null=True, default=None)
    source_name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                        default="")

    def validate(self, attrs):
        if bool(attrs.get("url")) == bool(attrs.get("text")):
            raise serializers.ValidationError(
                {"non_field_errors": ["Give either a url or a text, not both."]})
        return attrs


class IngestJobSerializer(serializers.ModelSerializer):
    poll_url = serializers.SerializerMethodField()

    class Meta:
        model = IngestJob
        fields = ["id", "kind", "status", "message", "url", "title", "article", "attempts",
                  "last_error", "created_at", "finished_at", "poll_url"]

    def get_poll_url(self, job) -> str:
        return reverse("api:job-detail", args=[job.pk], request=self.context.get("request"))


class RevisionSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    changed_fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Revision
        fields = ["id", "action", "user", "via", "pipeline_version", "reason", "created_at",
                  "changed_fields", "before", "after"]

    def get_user(self, revision) -> str | None:
        """The editor's user name, for editors only (others read null, as for the pipeline)."""
        request = self.context.get("request")
        if not revision.user_id or request is None or not can_see_authors(request.user):
            return None
        return revision.user.get_username()


# --- control over time: plain dataclasses from the selectors ---------------------------

def actor_brief(actor) -> dict | None:
    if actor is None:
        return None
    return {"id": actor.pk, "name": actor.name, "slug": actor.slug}


def _rounded(value: float, scale: float, digits: int) -> float:
    """``round(value, digits)`` (``scale`` = 10 ** digits), in a third of its time when
    ``value`` has no more decimals (GeoNames' coordinates have five).

    The integer ``n / scale``, correctly rounded, is the float nearest the decimal with
    ``digits`` decimals that it names; if that is ``value``, ``round`` would give back
    ``value`` itself. A map has 900 values to round.
    """
    if -1e9 < value < 1e9:  # not NaN nor infinite, and n / scale exact enough
        if round(value * scale) / scale == value:
            return value
    return round(value, digits)


def control_feature(row: tuple) -> dict:
    """A place's answer on a date (a row of ``selectors.place_control_rows_at``) as a feature."""
    (place_id, geonames_id, name, country, admin1, actor_id, actor_name, actor_slug, state,
     since, event_id, confidence, inferred, sources, verified, contested, until,
     lon, lat) = row
    actor = None
    if actor_id is not None:
        actor = {"id": actor_id, "name": actor_name, "slug": actor_slug}
    held = state == ControlState.HELD
    return {
        "type": "Feature",
        "id": place_id,
        "geometry": {"type": "Point",
                     "coordinates": [_rounded(lon, 1e6, 6), _rounded(lat, 1e6, 6)]},
        "properties": {
            "place": place_id,
            "geonames_id": geonames_id,
            "name": name,
            "country": country,
            "admin1": admin1,
            "actor": actor,
            "unheld": held and actor_id is None,
            "contested": contested or not held,
            "contested_until": until.isoformat() if until else None,
            "since": None if since == BEFORE_RECORDS else since.isoformat(),
            "event": event_id,
            "inferred": bool(inferred),
            "inferred_from": inferred or None,
            "confidence": _rounded(confidence, 1e3, 3),
            "sources": sources,
            "verified": verified,
            "evidence": evidence_level(verified, sources),
        },
    }


def control_period(period) -> dict:
    return {
        "actor": actor_brief(period.actor),
        "unheld": period.unheld,
        "start": period.start.isoformat() if period.start else None,
        "end": period.end.isoformat() if period.end else None,
        "event": period.event_id,
        "inferred": bool(period.inferred),
        "inferred_from": period.inferred or None,
        "sources": period.sources,
        "verified": period.verified,
        "evidence": period.evidence_level,
        "contested": [
            {"start": start.isoformat(), "end": end.isoformat() if end else None,
             "actor": actor_brief(actor), "event": event_id}
            for start, end, actor, event_id in period.contested
        ],
    }


class FigureArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "url", "title", "published_at"]


class FigureSerializer(serializers.ModelSerializer):
    """A total over a period ("170,000 displaced since November"), with its sentence."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    place = PlaceBriefSerializer(read_only=True, allow_null=True)
    actors = ActorBriefSerializer(many=True, read_only=True)
    article = FigureArticleSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Figure
        fields = ["id", "kind", "kind_label", "count", "period_start", "period_end", "place",
                  "actors", "article", "sentence", "start", "end", "extractor_version",
                  "created_at"]


# --- the control answers' shape, for the OpenAPI schema (the views build plain dicts) ---

class ControlActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class _ControlEvidenceFields(serializers.Serializer):
    inferred = serializers.BooleanField(
        help_text="Not reported as such: the side that lost the place held it before its "
                  "first reported change, or the opponent fighting there took it when its "
                  "holder withdrew.")
    inferred_from = serializers.ChoiceField(
        choices=[c for c in ControlInference.values if c], allow_null=True,
        help_text="loser: held before by the side that lost it; opponent: taken by the "
                  "opponent fighting there within CONTROL_WITHDRAWAL_LOOKBACK_DAYS of a "
                  "withdrawal; null when reported.")
    sources = serializers.IntegerField(
        help_text="Independent sources of the event behind the answer: different outlets, "
                  "copies of one wire story counted once.")
    verified = serializers.BooleanField(help_text="An editor verified the event.")
    evidence = serializers.ChoiceField(
        choices=ControlEvidence.values,
        help_text="verified (by an editor), corroborated (two or more sources) or "
                  "single_source (one machine-extracted report).")


class ControlPropertiesSerializer(_ControlEvidenceFields):
    place = serializers.IntegerField()
    geonames_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    country = serializers.CharField()
    admin1 = serializers.CharField()
    actor = ControlActorSerializer(allow_null=True,
                                 help_text="The holder; null when unheld or unknown.")
    unheld = serializers.BooleanField(
        help_text="Nobody holds the place: its holder withdrew and no one took it over.")
    contested = serializers.BooleanField(
        help_text="A siege or battle is going on: from its report until its reported end, "
                  "CONTROL_QUIET_DAYS without new fighting, or the next change of control.")
    contested_until = serializers.DateField(
        allow_null=True, help_text="When the contest ends, as far as the log knows.")
    since = serializers.DateField(
        allow_null=True, help_text="Held since; null: from before the records (inferred).")
    event = serializers.IntegerField(help_text="The event the answer comes from.")
    confidence = serializers.FloatField(help_text="The event's confidence, 0-1.")


class ControlFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(default="Feature")
    id = serializers.IntegerField()
    geometry = serializers.JSONField(help_text="A GeoJSON Point.")
    properties = ControlPropertiesSerializer()


class ControlCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(default="FeatureCollection")
    date = serializers.DateField()
    features = ControlFeatureSerializer(many=True)


class ControlSpanSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, help_text="Reported or quiet end, or the "
                                "capture that ended it; null if open.")
    actor = ControlActorSerializer(allow_null=True)
    event = serializers.IntegerField()


class ControlPeriodSerializer(_ControlEvidenceFields):
    actor = ControlActorSerializer(allow_null=True)
    unheld = serializers.BooleanField()
    start = serializers.DateField(allow_null=True,
                                  help_text="null: from before the records (inferred).")
    end = serializers.DateField(allow_null=True, help_text="Exclusive; null: ongoing.")
    event = serializers.IntegerField(allow_null=True)
    contested = ControlSpanSerializer(many=True)


class ControlTimelineSerializer(serializers.Serializer):
    place = PlaceSerializer()
    periods = ControlPeriodSerializer(many=True)
