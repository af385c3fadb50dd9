"""Filters for lists of events, places, actors, accords and articles (django-filter).

The API uses them as query parameters and the pages as their filter forms, so a bad value
gets the same message in both: the form's error under the parameter's name.
"""

from __future__ import annotations

import datetime as dt
import math

import django_filters
from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import extend_schema_field

from events.choices import (
    AccordKind,
    AcledEventType,
    ActorKind,
    ActorRole,
    ArticleStatus,
    EventType,
    FigureKind,
    PlaceKind,
    ReviewStatus,
    SubEventType,
)
from events.lookups import LookupField
from events.models import (
    Accord,
    Actor,
    Article,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    Figure,
    Place,
)
from events.models.base import name_lookup

MAX_RADIUS_KM = 2000


def _numbers(value: str, count: int, layout: str) -> list[float]:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != count:
        raise forms.ValidationError(
            f"Expected {count} comma-separated numbers {layout}, got {len(parts)}.")
    numbers = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise forms.ValidationError(f"{part!r} is not a number (expected {layout}).") from None
        if not math.isfinite(number):
            raise forms.ValidationError(f"{part!r} is not a finite number.")
        numbers.append(number)
    return numbers


def _check_lon_lat(lon: float, lat: float) -> None:
    if not -180 <= lon <= 180:
        raise forms.ValidationError(f"Longitude {lon:g} is outside -180..180.")
    if not -90 <= lat <= 90:
        raise forms.ValidationError(f"Latitude {lat:g} is outside -90..90.")


def parse_bbox(value: str) -> Polygon:
    """``minLon,minLat,maxLon,maxLat`` as a polygon in SRID 4326, or a ValidationError."""
    min_lon, min_lat, max_lon, max_lat = _numbers(value, 4, "minLon,minLat,maxLon,maxLat")
    _check_lon_lat(min_lon, min_lat)
    _check_lon_lat(max_lon, max_lat)
    if min_lon > max_lon or min_lat > max_lat:
        raise forms.ValidationError(
            "The minimum must not exceed the maximum (minLon,minLat,maxLon,maxLat).")
    polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    polygon.srid = 4326
    return polygon


class BBoxField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_bbox(value) if value else None


class PointField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lon, lat = _numbers(value, 2, "lon,lat")
        _check_lon_lat(lon, lat)
        return Point(lon, lat, srid=4326)


class BBoxFilter(django_filters.Filter):
    """Keeps rows whose point (``field_name``) lies in the box."""

    field_class = BBoxField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__intersects": value})


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (ids): ``1.5`` is an error, not silently 1."""

    field_class = forms.IntegerField


class PointFilter(django_filters.Filter):
    """A ``lon,lat`` point; EventFilterSet combines it with ``radius_km``."""

    field_class = PointField


def near_q(field: str, point: Point, radius_km: float) -> Q:
    """Within ``radius_km`` of ``point``: a degree box the index can use, then the exact test."""
    lat_edge = min(abs(point.y) + radius_km / 111.0, 89.9)
    degrees = radius_km / (111.0 * max(math.cos(math.radians(lat_edge)), 0.01))
    return Q(**{f"{field}__dwithin": (point, degrees),
                f"{field}__distance_lte": (point, D(km=radius_km))})


class LookupFilter(django_filters.CharFilter):
    """A name, alias, slug or id typed by a person (``events.lookups.LookupField``).

    The field answers the ids of every row known by the value, or an error naming it;
    ``field_name`` is where the ids are looked for (``place_id__in``, ``country_code``...).
    """

    field_class = LookupField

    def __init__(self, *args, lookup: str, **kwargs):
        kwargs["lookup"] = lookup
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None or self.method is not None:
            return qs
        if isinstance(value, str):
            return qs.filter(**{self.field_name: value})
        return qs.filter(**{f"{self.field_name}__in": value})


def _lookup(lookup: str, label: str, help_text: str, **kwargs) -> LookupFilter:
    return LookupFilter(lookup=lookup, label=label, help_text=help_text, **kwargs)


class GeoNamesIdField(forms.IntegerField):
    """A GeoNames id that some place has: an unknown one is an error, not 0 results."""

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not Place.objects.filter(geonames_id=value).exists():
            raise forms.ValidationError(f"No place has GeoNames id {value}.", code="unknown")
        return value


class GeoNamesIdFilter(django_filters.NumberFilter):
    field_class = GeoNamesIdField


class DateRangeForm(forms.Form):
    """A filter form whose ``date_from`` must not come after its ``date_to``."""

    date_fields = ("date_from", "date_to")

    def clean(self):
        data = super().clean()
        first, last = self.date_fields
        start, end = data.get(first), data.get(last)
        if start and end and start > end:
            self.add_error(last, f"{last} ({end}) is before {first} ({start}).")
        return data


class EventFilterForm(DateRangeForm):
    def clean(self):
        data = super().clean()
        if data.get("radius_km") is not None and data.get("near") is None:
            self.add_error("radius_km", "radius_km needs near=lon,lat.")
        return data


BACKGROUND_CHOICES = [("true", "Background only"), ("false", "News only")]


@extend_schema_field({"type": "string", "enum": [value for value, _ in BACKGROUND_CHOICES],
                      "description": "true: background events only; false: news only; "
                                     "absent: news and verified background events"})
class BackgroundFilter(django_filters.ChoiceFilter):
    """``true`` or ``false``, anything else a 400 (a boolean field would ignore it)."""


class EventFilterSet(django_filters.FilterSet):
    """Events by date, type, status, actor, place, area, accord, confidence, outlet, text.

    Without ``review_status`` only active events (extracted or verified) are listed;
    without ``background`` only news (background events an editor has not verified are
    left out: see ``EventQuerySet.news``).
    """

    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label="From (YYYY-MM-DD)")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte",
                                        label="To (YYYY-MM-DD)")
    type = django_filters.MultipleChoiceFilter(choices=EventType.choices, label="Kind")
    event_type = django_filters.MultipleChoiceFilter(choices=AcledEventType.choices,
                                                     label="ACLED event type")
    sub_event_type = django_filters.MultipleChoiceFilter(choices=SubEventType.choices,
                                                         label="ACLED sub-event type")
    background = BackgroundFilter(
        choices=BACKGROUND_CHOICES, method="filter_noop", empty_label="News",
        label="Background (told in passing, long before the article)")
    review_status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)
    actor = _lookup("actors", "Actor", "An actor's name, alias, slug or id; 400 if none is "
                    "known by it.", method="filter_actor")
    actor_role = django_filters.MultipleChoiceFilter(choices=ActorRole.choices,
                                                     method="filter_noop",
                                                     label="Actor's role")
    place = _lookup("places", "Place", "A place's name in any spelling (every place so named) "
                    "or its id; 400 if none is known by it.", field_name="place_id")
    geonames_id = GeoNamesIdFilter(field_name="place__geonames_id", label="GeoNames id",
                                   help_text="A GeoNames id; 400 if no place has it.")
    country = _lookup("countries", "Country", "A country's name or two-letter ISO code; 400 "
                      "if none is known by it.", field_name="place__country_code")
    admin1 = django_filters.CharFilter(field_name="place__admin1_name", lookup_expr="iexact",
                                       label="Admin-1 area")
    bbox = BBoxFilter(field_name="place__point", label="minLon,minLat,maxLon,maxLat")
    near = PointFilter(field_name="place__point", method="filter_noop", label="Near lon,lat")
    radius_km = django_filters.NumberFilter(method="filter_noop", label="Radius (km)",
                                            min_value=0, max_value=MAX_RADIUS_KM)
    accord = _lookup("accords", "Accord", "An accord's name, alias, slug or id; 400 if none "
                     "is known by it.", method="filter_accord")
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte",
                                                 min_value=0, max_value=1,
                                                 label="Minimum confidence (0-1)")
    source = _lookup("outlets", "Outlet", "An outlet's web domain, name or id; 400 if none is "
                     "known by it.", method="filter_source")
    q = django_filters.CharFilter(method="filter_text", label="Text")

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventFilterForm

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together with another parameter in filter_queryset

    def filter_actor(self, queryset, name, value):
        return queryset  # see filter_queryset: it combines actor and actor_role

    def filter_accord(self, queryset, name, value):
        links = EventAccord.objects.filter(accord_id__in=value, event=OuterRef("pk"))
        return queryset.filter(Exists(links))

    def filter_source(self, queryset, name, value):
        evidence = Evidence.objects.filter(article__source_id__in=value, event=OuterRef("pk"))
        return queryset.filter(Exists(evidence))

    def filter_text(self, queryset, name, value):
        in_evidence = Evidence.objects.filter(event=OuterRef("pk"), sentence__icontains=value)
        return queryset.filter(Q(summary__icontains=value) | Exists(in_evidence))

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        queryset = super().filter_queryset(queryset)
        if not data.get("review_status"):
            queryset = queryset.active()
        background = data.get("background")
        if background:
            queryset = queryset.filter(background=background == "true")
        else:
            queryset = queryset.news()
        actor, roles = data.get("actor"), data.get("actor_role")
        if actor or roles:
            links = EventActor.objects.filter(event=OuterRef("pk"))
            if actor:
                links = links.filter(actor_id__in=actor)
            if roles:
                links = links.filter(role__in=roles)
            queryset = queryset.filter(Exists(links))
        if data.get("near") is not None:
            queryset = queryset.filter(near_q("place__point", data["near"],
                                              float(data.get("radius_km") or 10)))
        return queryset


class FigureFilterSet(django_filters.FilterSet):
    """Figures by kind, place, article, country and the date they are told for."""

    kind = django_filters.MultipleChoiceFilter(choices=FigureKind.choices)
    place = IntegerFilter(field_name="place_id", label="Place id")
    article = IntegerFilter(field_name="article_id", label="Article id")
    country = django_filters.CharFilter(method="filter_country", label="Country (ISO code)")
    date_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte",
                                          label="Told for a date from (YYYY-MM-DD)")
    date_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte",
                                        label="Told for a date up to (YYYY-MM-DD)")

    class Meta:
        model = Figure
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(place__country_code=value.upper())


class PlaceFilterSet(django_filters.FilterSet):
    """Places by any of their names, country, admin-1 area, kind and bounding box."""

    q = django_filters.CharFilter(method="filter_name", label="Name (any spelling)")
    country = _lookup("countries", "Country", "A country's name or two-letter ISO code; 400 "
                      "if none is known by it.", field_name="country_code")
    admin1 = django_filters.CharFilter(field_name="admin1_name", lookup_expr="iexact")
    kind = django_filters.MultipleChoiceFilter(choices=PlaceKind.choices)
    geonames_id = GeoNamesIdFilter(help_text="A GeoNames id; 400 if no place has it.")
    bbox = BBoxFilter(field_name="point", label="minLon,minLat,maxLon,maxLat")
    min_population = IntegerFilter(field_name="population", lookup_expr="gte", min_value=0)

    class Meta:
        model = Place
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.named(value)


class ActorFilterSet(django_filters.FilterSet):
    """Actors by any alias, kind, country and candidate status."""

    q = django_filters.CharFilter(method="filter_name", label="Name or alias")
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices)
    country = _lookup("countries", "Country", "A country's name or two-letter ISO code; 400 "
                      "if none is known by it.", field_name="country_code")
    is_candidate = django_filters.BooleanFilter(
        label="Candidates", help_text="true: only the pipeline's candidates; false: only "
        "accepted actors.", widget=forms.Select(choices=[
            ("", "All"), ("true", "Candidates only"), ("false", "Accepted only")]))

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        known = name_lookup(value)
        if known is None:
            return queryset.none()
        return queryset.filter(known | Q(name__icontains=value) | Q(acled_names__contains=[value]))


class AccordFilterSet(django_filters.FilterSet):
    """Accords by name or alias, kind, party and covered place."""

    q = django_filters.CharFilter(method="filter_name", label="Name or alias")
    kind = django_filters.MultipleChoiceFilter(choices=AccordKind.choices)
    party = _lookup("actors", "Party", "A party's name, alias, slug or id; 400 if no actor is "
                    "known by it.", method="filter_party")
    place = _lookup("places", "Covered place", "A covered place's name or id; 400 if none is "
                    "known by it.", method="filter_place")

    class Meta:
        model = Accord
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        known = name_lookup(value)
        if known is None:
            return queryset.none()
        return queryset.filter(known | Q(name__icontains=value))

    def filter_party(self, queryset, name, value):
        through = Accord.parties.through
        return queryset.filter(Exists(through.objects.filter(
            actor_id__in=value, accord=OuterRef("pk"))))

    def filter_place(self, queryset, name, value):
        through = Accord.places.through
        return queryset.filter(Exists(through.objects.filter(
            place_id__in=value, accord=OuterRef("pk"))))


class ArticleFilterForm(DateRangeForm):
    date_fields = ("published_from", "published_to")


class ArticleFilterSet(django_filters.FilterSet):
    """Articles by status, outlet, publication date and text."""

    status = django_filters.MultipleChoiceFilter(choices=ArticleStatus.choices)
    source = _lookup("outlets", "Outlet", "An outlet's web domain, name or id; 400 if none is "
                     "known by it.", field_name="source_id")
    published_from = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte")
    published_to = django_filters.DateFilter(field_name="published_at", lookup_expr="date__lte")
    language = django_filters.CharFilter()
    q = django_filters.CharFilter(method="filter_text", label="Title or text")

    class Meta:
        model = Article
        fields: list[str] = []
        form = ArticleFilterForm

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(search_vector=value))


class StrictBooleanField(forms.CharField):
    """true/false (or 1/0, yes/no); anything else is an error, not a silent True."""

    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}

    def to_python(self, value):
        text = super().to_python(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(f"Use true or false, not {value!r}.")


class ControlQueryForm(forms.Form):
    """The control map's question: who held which places on a date (API and pages)."""

    date = forms.DateField(required=True, help_text="YYYY-MM-DD")
    bbox = BBoxField(required=False, help_text="minLon,minLat,maxLon,maxLat")
    actor = LookupField(lookup="actors", required=False,
                        help_text="An actor's name, alias, slug or id; 400 if none is known "
                                  "by it.")
    country = LookupField(lookup="countries", required=False,
                          help_text="A country's name or two-letter ISO code; 400 if none is "
                                    "known by it.")
    admin1 = forms.CharField(required=False)
    verified_only = StrictBooleanField(required=False,
                                       help_text="Only answers an editor verified.")
    min_sources = forms.IntegerField(required=False, min_value=1, max_value=1000,
                                     help_text="Only answers with at least this many "
                                               "independent sources.")

    def clean_min_sources(self):
        return self.cleaned_data.get("min_sources") or 0

    def clean_date(self):
        value: dt.date = self.cleaned_data["date"]
        return value

    def clean_country(self) -> str:
        return self.cleaned_data.get("country") or ""  # its ISO code, "" for any

    def clean_actor(self):
        ids = self.cleaned_data.get("actor")
        if not ids:
            return None
        if len(ids) == 1:
            # Only its id is read (the answers filter on it): no query to load the row.
            return Actor(pk=ids[0])
        actors = list(Actor.objects.filter(pk__in=ids).order_by("name")[:6])
        if len(actors) > 1:
            names = ", ".join(a.slug for a in actors[:5])
            raise forms.ValidationError(
                "Several actors are known as %(value)r (%(names)s): give one's slug.",
                params={"value": self.data.get("actor"), "names": names})
        return actors[0]

    def places(self):
        """The places the question is about, or None for all of them."""
        data = self.cleaned_data
        places = Place.objects.all()
        narrowed = False
        if data.get("bbox") is not None:
            places, narrowed = places.filter(point__intersects=data["bbox"]), True
        if data.get("country"):
            places, narrowed = places.filter(country_code=data["country"].upper()), True
        if data.get("admin1"):
            places, narrowed = places.filter(admin1_name__iexact=data["admin1"]), True
        return places if narrowed else None
