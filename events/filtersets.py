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

from events.choices import (
    AccordKind,
    ActorKind,
    ActorRole,
    ArticleStatus,
    EventType,
    PlaceKind,
    ReviewStatus,
)
from events.models import (
    Accord,
    Actor,
    Article,
    Event,
    EventAccord,
    EventActor,
    Evidence,
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


class IdOrSlugField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return value.strip() if value else value


def id_or_slug_q(value: str, prefix: str = "") -> Q:
    if value.isdigit():
        return Q(**{f"{prefix}pk": int(value)})
    return Q(**{f"{prefix}slug": value})


def near_q(field: str, point: Point, radius_km: float) -> Q:
    """Within ``radius_km`` of ``point``: a degree box the index can use, then the exact test."""
    lat_edge = min(abs(point.y) + radius_km / 111.0, 89.9)
    degrees = radius_km / (111.0 * max(math.cos(math.radians(lat_edge)), 0.01))
    return Q(**{f"{field}__dwithin": (point, degrees),
                f"{field}__distance_lte": (point, D(km=radius_km))})


class EventFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("radius_km") is not None and data.get("near") is None:
            self.add_error("radius_km", "radius_km needs near=lon,lat.")
        return data


class EventFilterSet(django_filters.FilterSet):
    """Events by date, type, status, actor, place, area, accord, confidence, outlet, text.

    Without ``review_status`` only active events (extracted or verified) are listed.
    """

    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label="From (YYYY-MM-DD)")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte",
                                        label="To (YYYY-MM-DD)")
    type = django_filters.MultipleChoiceFilter(choices=EventType.choices)
    review_status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)
    actor = django_filters.CharFilter(method="filter_actor", label="Actor (id or slug)")
    actor_role = django_filters.MultipleChoiceFilter(choices=ActorRole.choices,
                                                     method="filter_noop",
                                                     label="Actor's role")
    place = IntegerFilter(field_name="place_id", label="Place id")
    geonames_id = IntegerFilter(field_name="place__geonames_id")
    country = django_filters.CharFilter(method="filter_country", label="Country (ISO code)")
    admin1 = django_filters.CharFilter(field_name="place__admin1_name", lookup_expr="iexact",
                                       label="Admin-1 area")
    bbox = BBoxFilter(field_name="place__point", label="minLon,minLat,maxLon,maxLat")
    near = PointFilter(field_name="place__point", method="filter_noop", label="Near lon,lat")
    radius_km = django_filters.NumberFilter(method="filter_noop", label="Radius (km)",
                                            min_value=0, max_value=MAX_RADIUS_KM)
    accord = django_filters.CharFilter(method="filter_accord", label="Accord (id or slug)")
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte",
                                                 min_value=0, max_value=1)
    source = django_filters.CharFilter(method="filter_source", label="Outlet (id or domain)")
    q = django_filters.CharFilter(method="filter_text", label="Text")

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventFilterForm

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together with another parameter in filter_queryset

    def filter_actor(self, queryset, name, value):
        return queryset  # see filter_queryset: it combines actor and actor_role

    def filter_country(self, queryset, name, value):
        return queryset.filter(place__country_code=value.upper())

    def filter_accord(self, queryset, name, value):
        links = EventAccord.objects.filter(id_or_slug_q(value, "accord__"), event=OuterRef("pk"))
        return queryset.filter(Exists(links))

    def filter_source(self, queryset, name, value):
        outlet = (Q(article__source_id=int(value)) if value.isdigit()
                  else Q(article__source__domain__iexact=value))
        return queryset.filter(Exists(Evidence.objects.filter(outlet, event=OuterRef("pk"))))

    def filter_text(self, queryset, name, value):
        in_evidence = Evidence.objects.filter(event=OuterRef("pk"), sentence__icontains=value)
        return queryset.filter(Q(summary__icontains=value) | Exists(in_evidence))

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        queryset = super().filter_queryset(queryset)
        if not data.get("review_status"):
            queryset = queryset.active()
        actor, roles = data.get("actor"), data.get("actor_role")
        if actor or roles:
            links = EventActor.objects.filter(event=OuterRef("pk"))
            if actor:
                links = links.filter(id_or_slug_q(actor, "actor__"))
            if roles:
                links = links.filter(role__in=roles)
            queryset = queryset.filter(Exists(links))
        if data.get("near") is not None:
            queryset = queryset.filter(near_q("place__point", data["near"],
                                              float(data.get("radius_km") or 10)))
        return queryset


class PlaceFilterSet(django_filters.FilterSet):
    """Places by any of their names, country, admin-1 area, kind and bounding box."""

    q = django_filters.CharFilter(method="filter_name", label="Name (any spelling)")
    country = django_filters.CharFilter(method="filter_country", label="Country (ISO code)")
    admin1 = django_filters.CharFilter(field_name="admin1_name", lookup_expr="iexact")
    kind = django_filters.MultipleChoiceFilter(choices=PlaceKind.choices)
    geonames_id = IntegerFilter()
    bbox = BBoxFilter(field_name="point", label="minLon,minLat,maxLon,maxLat")
    min_population = IntegerFilter(field_name="population", lookup_expr="gte", min_value=0)

    class Meta:
        model = Place
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.named(value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_code=value.upper())


class ActorFilterSet(django_filters.FilterSet):
    """Actors by any alias, kind, country and candidate status."""

    q = django_filters.CharFilter(method="filter_name", label="Name or alias")
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices)
    country = django_filters.CharFilter(method="filter_country", label="Country (ISO code)")
    is_candidate = django_filters.BooleanFilter()

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        known = name_lookup(value)
        if known is None:
            return queryset.none()
        return queryset.filter(known | Q(name__icontains=value) | Q(acled_names__contains=[value]))

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_code=value.upper())


class AccordFilterSet(django_filters.FilterSet):
    """Accords by name or alias, kind, party and covered place."""

    q = django_filters.CharFilter(method="filter_name", label="Name or alias")
    kind = django_filters.MultipleChoiceFilter(choices=AccordKind.choices)
    party = django_filters.CharFilter(method="filter_party", label="Party (actor id or slug)")
    place = IntegerFilter(field_name="places", label="Covered place id")

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
            id_or_slug_q(value, "actor__"), accord=OuterRef("pk"))))


class ArticleFilterSet(django_filters.FilterSet):
    """Articles by status, outlet, publication date and text."""

    status = django_filters.MultipleChoiceFilter(choices=ArticleStatus.choices)
    source = django_filters.CharFilter(method="filter_source", label="Outlet (id or domain)")
    published_from = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte")
    published_to = django_filters.DateFilter(field_name="published_at", lookup_expr="date__lte")
    language = django_filters.CharFilter()
    q = django_filters.CharFilter(method="filter_text", label="Title or text")

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_source(self, queryset, name, value):
        if value.isdigit():
            return queryset.filter(source_id=int(value))
        return queryset.filter(source__domain__iexact=value)

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
    actor = IdOrSlugField(required=False, help_text="Actor id or slug")
    country = forms.CharField(required=False, max_length=2, help_text="ISO country code")
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

    def clean_actor(self):
        value = self.cleaned_data.get("actor")
        if not value:
            return None
        actor = Actor.objects.filter(id_or_slug_q(value)).first()
        if actor is None:
            raise forms.ValidationError(f"No actor with id or slug {value!r}.")
        return actor

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
