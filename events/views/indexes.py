"""Index pages (actors, accords, places, articles) and the filters' autocomplete.

Each index takes a search box, the same filters as the API (``events.filtersets``: an
unknown name is a message beside its field) and a sort column. Counts are grouped once
over the whole table (registries, places) or read for the page's rows (articles), so every
index answers in tens of milliseconds at 100,000 events (bench/pages_timing.py).
"""

import datetime as dt
from collections import Counter
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import render

from events import lookups, selectors
from events.choices import ReviewStatus
from events.filtersets import AccordFilterSet, ActorFilterSet, ArticleFilterSet
from events.models import (
    Accord,
    Actor,
    ActorSupport,
    Article,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    Place,
)

from .access import analyst_required

PAGE_SIZE = 50


def _listing(request, filterset, sorts: dict, default: str, template: str):
    """Filter, sort and page ``filterset``'s rows; an invalid filter shows no rows."""
    sort = request.GET.get("sort", default)
    if sort not in sorts:
        sort = default
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(rows.order_by(*sorts[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    params = [(k, v) for k, vs in request.GET.lists() for v in vs if k not in ("page", "sort")]
    context = {"filterset": filterset, "form": filterset.form, "page": page, "sort": sort,
               "query": urlencode(params), "sorts": sorts}
    return render(request, template, context)


ACTIVE = [ReviewStatus.EXTRACTED, ReviewStatus.VERIFIED]
INACTIVE = [s for s in ReviewStatus.values if s not in ACTIVE]


def _active_counts(model, field: str) -> Counter:
    """Rows of ``model`` (EventActor, EventAccord) per ``field``, of active events only.

    All rows grouped (an index-only scan), less those of rejected and merged events (few,
    found through the status index): one join over every row and a count of distinct events
    cost 4 to 12 times more at 100,000 events. An actor with two roles in one event counts
    it twice; the pages say "roles in events" where that matters.
    """
    total = Counter(dict(model.objects.order_by().values_list(field).annotate(n=Count("pk"))))
    total.subtract(dict(model.objects.filter(event__review_status__in=INACTIVE).order_by()
                        .values_list(field).annotate(n=Count("pk"))))
    return total


def _sorted_page(request, filterset, counts: Counter, sorts: dict, default: str,
                 template: str, prefetch=(), extra: str = "kind", annotate=None):
    """A registry (tens to thousands of rows) filtered in SQL, sorted and paged here.

    ``sorts`` maps a sort parameter to (``name``, ``events`` or ``extra``, descending);
    ``extra`` is the third field read for sorting (the kind, a date).
    """
    sort = request.GET.get("sort", default)
    if sort not in sorts:
        sort = default
    rows = (list(filterset.qs.order_by().values_list("pk", "name", extra))
            if filterset.is_valid() else [])
    field, reverse = sorts[sort]
    rows.sort(key=lambda r: r[1].lower())
    if field == "events":
        rows.sort(key=lambda r: counts.get(r[0], 0), reverse=reverse)
    elif field == "extra":
        rows.sort(key=lambda r: (r[2] is not None, r[2] or 0), reverse=reverse)
    elif reverse:
        rows.reverse()
    page = Paginator([r[0] for r in rows], PAGE_SIZE).get_page(request.GET.get("page"))
    objects = filterset.queryset.model.objects.filter(pk__in=page.object_list)
    found = {o.pk: o for o in objects.prefetch_related(*prefetch).annotate(**(annotate or {}))}
    page.object_list = [found[pk] for pk in page.object_list]
    for obj in page.object_list:
        obj.n_events = counts.get(obj.pk, 0)
    params = [(k, v) for k, vs in request.GET.lists() for v in vs if k not in ("page", "sort")]
    return render(request, template, {
        "filterset": filterset, "form": filterset.form, "page": page, "sort": sort,
        "query": urlencode(params), "sorts": sorts})


ACTOR_SORTS = {"name": ("name", False), "-name": ("name", True),
               "events": ("events", False), "-events": ("events", True),
               "kind": ("extra", False), "-kind": ("extra", True)}
ACCORD_SORTS = {"name": ("name", False), "-name": ("name", True),
                "events": ("events", False), "-events": ("events", True),
                "signed": ("extra", False), "-signed": ("extra", True)}


@analyst_required
def actor_list(request):
    """Actors with their kind and country (their side), backers and roles in events."""
    filterset = ActorFilterSet(request.GET, queryset=Actor.objects.all())
    backers = Prefetch("backers", queryset=ActorSupport.objects.select_related("supporter")
                       .order_by("start_date"))
    return _sorted_page(request, filterset, _active_counts(EventActor, "actor_id"),
                        ACTOR_SORTS, "-events", "events/actor_list.html", [backers])


@analyst_required
def accord_list(request):
    """Accords with their kind, dates, parties, covered places and linked events."""
    filterset = AccordFilterSet(request.GET, queryset=Accord.objects.all())
    return _sorted_page(request, filterset, _active_counts(EventAccord, "accord_id"),
                        ACCORD_SORTS, "-signed", "events/accord_list.html",
                        extra="signed_date",
                        annotate={"n_parties": Count("parties", distinct=True),
                                  "n_places": Count("places", distinct=True)})


PLACE_SORTS = {"name": ("place__name", "place_id"), "-name": ("-place__name", "place_id"),
               "events": ("n_events", "place_id"), "-events": ("-n_events", "place_id"),
               "latest": ("latest", "place_id"), "-latest": ("-latest", "place_id")}


@analyst_required
def place_list(request):
    """Places where active events happened, with their number of events, latest event
    and current holder (``selectors.place_control_at`` for the page's places).

    The counts are grouped from the active events' (place, date) index; only the page's
    places are read.
    """
    query = request.GET.get("q", "").strip()[:200]
    grouped = (Event.objects.active().filter(place__isnull=False).order_by()
               .values("place_id").annotate(n_events=Count("id"), latest=Max("date")))
    if query:
        # Any spelling, through the names' index (a prefix match read every place).
        grouped = grouped.filter(place_id__in=Place.objects.named(query).values("pk"))
    sort = request.GET.get("sort", "-events")
    sort = sort if sort in PLACE_SORTS else "-events"
    page = Paginator(grouped.order_by(*PLACE_SORTS[sort]), PAGE_SIZE).get_page(
        request.GET.get("page"))
    places = Place.objects.only("id", "name", "country_code", "admin1_name").in_bulk(
        [row["place_id"] for row in page.object_list])
    today = dt.date.today()
    status = {s.place.pk: s for s in selectors.place_control_at(
        date=today, places=Place.objects.filter(pk__in=list(places)))}
    rows = []
    for row in page.object_list:
        place = places[row["place_id"]]
        place.n_events, place.latest = row["n_events"], row["latest"]
        place.status = status.get(place.pk)
        rows.append(place)
    page.object_list = rows
    return render(request, "events/place_list.html", {
        "page": page, "sort": sort, "sorts": PLACE_SORTS, "q": query,
        "query": urlencode([("q", query)] if query else [])})


def _subquery_count(rows, field: str):
    """How many distinct ``field`` values ``rows`` (correlated to the outer row) holds."""
    counted = rows.annotate(n=Count(field, distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


ARTICLE_SORTS = {"published": ("published_at", "pk"), "-published": ("-published_at", "-pk"),
                 "events": ("n_events", "-pk"), "-events": ("-n_events", "-pk"),
                 "title": ("title", "pk"), "-title": ("-title", "pk")}


@analyst_required
def article_list(request):
    """Articles with their status, outlet, language and number of events."""
    evidence = (Evidence.objects.filter(article=OuterRef("pk"), event__review_status__in=ACTIVE)
                .values("article"))
    articles = (Article.objects.select_related("source")
                .annotate(n_events=_subquery_count(evidence, "event"))
                .defer("text", "search_vector"))
    filterset = ArticleFilterSet(request.GET, queryset=articles)
    return _listing(request, filterset, ARTICLE_SORTS, "-published", "events/article_list.html")


@analyst_required
def lookup(request, kind):
    """Suggestions for a filter's autocomplete: ``[{value, label}]`` for ``?q=``."""
    try:
        rows = lookups.suggestions(kind, request.GET.get("q", ""))
    except KeyError:
        raise Http404(f"No lookup {kind!r}.") from None
    return JsonResponse({"results": rows})

