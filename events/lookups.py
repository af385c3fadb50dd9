"""Names people type, resolved to rows: actors, places, accords, countries and outlets.

One form field per kind, used by the API's filter sets and the pages' filter forms alike
(``events.filtersets``), and one JSON suggestion list per kind for the pages' autocomplete
(``events.views.lookup``). A value nobody is known by is a form error naming it, so the API
answers 400 for the parameter and a page shows the message next to the field: never an
empty result that looks like "nothing happened".
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from events.choices import PlaceKind
from events.models import Accord, Actor, Place, Source
from events.models.base import name_lookup

MAX_MATCHES = 50
_known_codes: set[str] = set()  # ISO codes seen in the gazetteer by this process
SUGGESTIONS = 10


def _named(queryset: QuerySet, value: str, *extra: Q) -> QuerySet:
    condition = name_lookup(value)
    conditions = [c for c in (condition, *extra) if c is not None]
    if not conditions:
        return queryset.none()
    combined = conditions[0]
    for c in conditions[1:]:
        combined |= c
    return queryset.filter(combined)


def actor_ids(value: str) -> list[int]:
    """Actors known by ``value``: an id, a slug, a name, an alias or an ACLED name."""
    if value.isdigit():
        return list(Actor.objects.filter(pk=int(value)).values_list("pk", flat=True))
    by_slug = list(Actor.objects.filter(slug=value).values_list("pk", flat=True))
    if by_slug:
        return by_slug
    return list(_named(Actor.objects.all(), value, Q(name__iexact=value),
                       Q(acled_names__contains=[value]))
                .values_list("pk", flat=True)[:MAX_MATCHES])


def accord_ids(value: str) -> list[int]:
    """Accords known by ``value``: an id, a slug, a name or an alias."""
    if value.isdigit():
        return list(Accord.objects.filter(pk=int(value)).values_list("pk", flat=True))
    by_slug = list(Accord.objects.filter(slug=value).values_list("pk", flat=True))
    if by_slug:
        return by_slug
    return list(_named(Accord.objects.all(), value, Q(name__iexact=value))
                .values_list("pk", flat=True)[:MAX_MATCHES])


def place_ids(value: str) -> list[int]:
    """Places known by ``value``: an id, or any spelling of a name (every place so named)."""
    if value.isdigit():
        return list(Place.objects.filter(pk=int(value)).values_list("pk", flat=True))
    return list(Place.objects.named(value).order_by("-population", "pk")
                .values_list("pk", flat=True)[:MAX_MATCHES])


def country_code(value: str) -> str | None:
    """The ISO code of the country known by ``value`` (its code or any of its names)."""
    if len(value) == 2 and value.isalpha():
        code = value.upper()
        if code in _known_codes:
            return code  # no query: the control answers are served from the cache
        known = (Place.objects.filter(country_code=code).exists()
                 or Actor.objects.filter(country_code=code).exists())
        if known:
            _known_codes.add(code)  # codes are never taken away from the gazetteer
        return code if known else None
    country = (Place.objects.named(value).filter(kind=PlaceKind.COUNTRY)
               .exclude(country_code="").order_by("-population").first())
    return country.country_code if country else None


def source_ids(value: str) -> list[int]:
    """Outlets known by ``value``: an id, a web domain or a name."""
    if value.isdigit():
        return list(Source.objects.filter(pk=int(value)).values_list("pk", flat=True))
    return list(Source.objects.filter(Q(domain__iexact=value) | Q(name__iexact=value))
                .values_list("pk", flat=True)[:MAX_MATCHES])


class LookupField(forms.CharField):
    """Text resolved to the ids of the rows known by it; unknown is an error, not nothing.

    ``lookup`` is the kind (``actors``, ``places``, ``accords``, ``countries``, ``outlets``):
    the pages' autocomplete asks ``/lookup/<kind>.json`` for suggestions.
    """

    resolvers = {"actors": (actor_ids, "actor"), "places": (place_ids, "place"),
                 "accords": (accord_ids, "accord"), "outlets": (source_ids, "outlet"),
                 "countries": (country_code, "country")}

    def __init__(self, *args, lookup: str, **kwargs):
        self.lookup = lookup
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"data-lookup": lookup, "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        value = (value or "").strip()
        if not value:
            return None
        resolve, noun = self.resolvers[self.lookup]
        found = resolve(value)
        if not found:
            hint = " (a name or a two-letter ISO code)" if self.lookup == "countries" else ""
            # Params, not an f-string: django-filter formats the message with them, and a
            # "%" in the value must stay text.
            raise forms.ValidationError("No %(noun)s is known as %(value)r%(hint)s.",
                                        code="unknown",
                                        params={"noun": noun, "value": value, "hint": hint})
        return found


def suggestions(kind: str, query: str) -> list[dict]:
    """Up to ten rows whose name starts with (or is) ``query``, for the autocomplete."""
    query = query.strip()[:100]
    if not query:
        return []
    if kind == "actors":
        rows = (_named(Actor.objects.all(), query, Q(name__istartswith=query),
                       Q(slug__istartswith=query.lower()))
                .order_by("is_candidate", "name")[:SUGGESTIONS])
        return [{"value": a.name, "label": a.name} for a in rows]
    if kind == "accords":
        rows = (_named(Accord.objects.all(), query, Q(name__icontains=query))
                .order_by("name")[:SUGGESTIONS])
        return [{"value": a.name, "label": a.name} for a in rows]
    if kind == "places":
        rows = (_named(Place.objects.all(), query, Q(name__istartswith=query))
                .order_by("-population", "pk")[:SUGGESTIONS])
        return [{"value": p.name, "label": str(p)} for p in rows]
    if kind == "countries":
        rows = (_named(Place.objects.filter(kind=PlaceKind.COUNTRY), query,
                       Q(name__istartswith=query), Q(country_code__iexact=query))
                .order_by("-population")[:SUGGESTIONS])
        return [{"value": p.name, "label": f"{p.name} ({p.country_code})"} for p in rows]
    if kind == "outlets":
        rows = (Source.objects.filter(Q(name__istartswith=query) | Q(domain__istartswith=query))
                .order_by("name")[:SUGGESTIONS])
        return [{"value": s.domain or s.name, "label": f"{s.name} ({s.domain})"} for s in rows]
    raise KeyError(kind)
