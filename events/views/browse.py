"""Read-only pages for analysts: places, actors, accords, events and articles."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from events import selectors
from events.changes import revision_changes
from events.choices import ActorRole, ControlInference, ControlState, ReviewStatus
from events.filtersets import EventFilterSet
from events.models import Accord, Actor, ActorSupport, Article, ControlFlip, Event, Place
from events.permissions import is_editor
from events.services import revisions_for

from .access import analyst_required
from .charts import timeline_spans
from .colors import actor_color
from .highlight import article_segments, evidence_segments

NEARBY_KM = 25
PAGE_SIZE = 50
EVENT_SORTS = {
    "date": ("date", "id"), "-date": ("-date", "-id"),
    "confidence": ("confidence", "id"), "-confidence": ("-confidence", "-id"),
    "type": ("type", "-date"), "-type": ("-type", "-date"),
    "place": ("place__name", "-date"), "-place": ("-place__name", "-date"),
}


@analyst_required
def place_detail(request, pk):
    """A place: its control timeline (chart and table), events, nearby places, accords."""
    place = get_object_or_404(Place, pk=pk)
    periods = selectors.place_control_timeline(place=place)
    spans, axis_start, axis_end = timeline_spans(periods, today=dt.date.today())
    here = Event.objects.active().filter(place=place)
    events = here.news().with_related().order_by("-date")[:50]
    background = (here.filter(background=True, review_status=ReviewStatus.EXTRACTED)
                  .with_related().order_by("-date")[:50])
    nearby = (Place.objects.filter(point__dwithin=(place.point, NEARBY_KM / 111.0))
              .filter(point__distance_lte=(place.point, D(km=NEARBY_KM)))
              .exclude(pk=place.pk).annotate(distance=Distance("point", place.point))
              .order_by("distance")[:12])
    return render(request, "events/place_detail.html", {
        "place": place, "periods": periods, "spans": spans, "axis_start": axis_start,
        "axis_end": axis_end, "events": events, "nearby": nearby,
        "accords": place.accords.all(), "nearby_km": NEARBY_KM,
        "background_events": background, "figures": _figures(place.figures),
    })


def _figures(figures):
    return figures.select_related("place").prefetch_related("actors").order_by(
        "-period_end", "-id")[:100]


@analyst_required
def actor_detail(request, slug):
    """An actor: aliases, backers and those it backs over time, places gained and lost, events."""
    actor = get_object_or_404(Actor, slug=slug)
    backers = ActorSupport.objects.filter(supported=actor).select_related("supporter")
    backs = ActorSupport.objects.filter(supporter=actor).select_related("supported")
    # Not the holdings inferred from before the records: nothing was gained on a day then.
    gained = (ControlFlip.objects.filter(actor=actor, state=ControlState.HELD)
              .exclude(inferred=ControlInference.LOSER)
              .select_related("place", "lost_by").order_by("-date")[:100])
    lost = (ControlFlip.objects.filter(lost_by=actor, state=ControlState.HELD)
            .select_related("place", "actor").order_by("-date")[:100])
    events = (Event.objects.active().news().filter(event_actors__actor=actor).distinct()
              .with_related().order_by("-date")[:50])
    color = actor_color(actor)
    points = [_point(f.place, f"gained {f.date:%Y-%m-%d}: {f.place.name}", color) for f in gained]
    points += [_point(f.place, f"lost {f.date:%Y-%m-%d}: {f.place.name}", "#ffffff")
               for f in lost]
    return render(request, "events/actor_detail.html", {
        "actor": actor, "backers": backers, "backs": backs, "gained": gained, "lost": lost,
        "events": events, "color": color, "points": points,
    })


def _point(place, label, color):
    return {"lat": place.lat, "lon": place.lon, "label": label, "color": color,
            "url": reverse("place_detail", args=[place.pk])}


@analyst_required
def accord_detail(request, slug):
    """An accord: parties, guarantors, dates, covered places, linked events."""
    accord = get_object_or_404(Accord, slug=slug)
    links = (accord.event_links.select_related("event__place")
             .prefetch_related("event__event_actors__actor", "event__event_accords__accord")
             .order_by("-event__date")[:100])
    places = list(accord.places.all()[:200])
    return render(request, "events/accord_detail.html", {
        "accord": accord, "parties": accord.parties.all(), "guarantors": accord.guarantors.all(),
        "places": places, "links": links,
        "points": [_point(p, p.name, "#9467bd") for p in places],
    })


@analyst_required
def event_list(request):
    """Events filtered with the API's own filters, sortable, downloadable as CSV/GeoJSON."""
    filterset = EventFilterSet(request.GET or None, queryset=Event.objects.all())
    sort = request.GET.get("sort", "-date")
    if sort not in EVENT_SORTS:
        sort = "-date"
    if filterset.is_bound and not filterset.is_valid():
        events = Event.objects.none()
    else:
        events = filterset.qs if filterset.is_bound else Event.objects.active().news()
    events = events.select_related("place").prefetch_related("event_actors__actor",
                                                             "event_accords__accord")
    page = Paginator(events.order_by(*EVENT_SORTS[sort]), PAGE_SIZE).get_page(
        request.GET.get("page"))
    params = [(k, v) for k, v in request.GET.lists() for v in v if k not in ("page", "sort")]
    query = urlencode(params)
    return render(request, "events/event_list.html", {
        "filterset": filterset, "form": filterset.form, "page": page, "sort": sort,
        "query": query, "sorts": EVENT_SORTS,
        "csv_url": "/api/v1/events/?" + urlencode([*params, ("format", "csv")]),
        "geojson_url": "/api/v1/events/?" + urlencode([*params, ("format", "geojson")]),
    })


@analyst_required
def event_detail(request, pk):
    """An event: actors with roles, evidence highlighted in its article, confidence, history."""
    event = get_object_or_404(Event.objects.with_related(), pk=pk)
    evidence = [(ev, evidence_segments(ev)) for ev in event.evidence.all()]
    return render(request, "events/event_detail.html", {
        "event": event, "evidence": evidence,
        "revisions": revision_changes(list(revisions_for(event)[:50])),
        "can_edit": is_editor(request.user),
        "gains": ActorRole.GAINS_CONTROL,
    })


@analyst_required
def article_detail(request, pk):
    """An article's cleaned text with its places, actors, accords and events highlighted."""
    article = get_object_or_404(Article.objects.select_related("source", "duplicate_of"), pk=pk)
    mentions = list(article.mentions.select_related("place", "actor", "accord", "event"))
    return render(request, "events/article_detail.html", {
        "article": article,
        "segments": article_segments(article.text, mentions, article.evidence.all()),
        "mentions": mentions, "jobs": article.jobs.all()[:5],
        "events": Event.objects.filter(evidence__article=article).distinct()
        .select_related("place").prefetch_related("event_actors__actor", "event_accords__accord")
        .order_by("date")[:50],
        "figures": _figures(article.figures),
    })


@analyst_required
def place_lookup(request):
    """Gazetteer search for the editors' place picker: JSON, most populous first."""
    query = request.GET.get("q", "").strip()[:100]
    places = selectors.place_search(query=query, limit=10) if query else []
    if query and not places:
        places = Place.objects.filter(Q(name__istartswith=query)).order_by("-population")[:10]
    return JsonResponse({"results": [
        {"id": p.pk, "label": str(p), "geonames_id": p.geonames_id, "lat": p.lat, "lon": p.lon,
         "kind": p.get_kind_display(), "admin_areas": p.admin_areas,
         "sources": [f"{source} {ident}" for source, ident in p.sources] or ["editor"]}
        for p in places
    ]})
