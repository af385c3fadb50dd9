"""Index pages (actors, accords, places, articles) and the filters' autocomplete.

Each index takes a search box, the same filters as the API (``events.filtersets``: an
unknown name is a message beside its field) and a sort column; counts come from one
aggregate query per page of 50 rows.
"""

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
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
    EventActor,
    Evidence,
    Place,
)

from .access import analyst_required

PAGE_SIZE = 50


def _listing(request, filterset, sorts: dict, default: str, template: str, extra=None):
    """Filter, sort and page ``filterset``'s rows; an invalid filter shows no rows."""
    sort = request.GET.get("sort", default)
    if sort not in sorts:
        sort = default
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(rows.order_by(*sorts[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    params = [(k, v) for k, vs in request.GET.lists() for v in vs if k not in ("page", "sort")]
    context = {"filterset": filterset, "form": filterset.form, "page": page, "sort": sort,
               "query": urlencode(params), "sorts": sorts}
    if extra is not None:
        context.update(extra(page))
    return render(request, template, context)


ACTIVE = [ReviewStatus.EXTRACTED, ReviewStatus.VERIFIED]


ACTOR_SORTS = {"name": ("name",), "-name": ("-name",), "events": ("n_events", "name"),
               "-events": ("-n_events", "name"), "kind": ("kind", "name"),
               "-kind": ("-kind", "name")}


@analyst_required
def actor_list(request):
    """Actors with their kind and country (their side), backers and number of events."""
    events = (EventActor.objects.filter(actor=OuterRef("pk"), event__review_status__in=ACTIVE)
              .values("actor"))
    actors = (Actor.objects.annotate(n_events=_subquery_count(events, "event"))
              .prefetch_related(Prefetch("backers", queryset=ActorSupport.objects
                                         .select_related("supporter")
                                         .order_by("start_date"))))
    filterset = ActorFilterSet(request.GET, queryset=actors)
    return _listing(request, filterset, ACTOR_SORTS, "-events", "events/actor_list.html")


def _subquery_count(rows, field: str):
    """How many distinct ``field`` values ``rows`` (correlated to the outer row) holds."""
    counted = rows.annotate(n=Count(field, distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


ACCORD_SORTS = {"name": ("name",), "-name": ("-name",),
                "signed": ("signed_date", "name"), "-signed": ("-signed_date", "name"),
                "events": ("n_events", "name"), "-events": ("-n_events", "name")}


@analyst_required
def accord_list(request):
    """Accords with their kind, dates and numbers of parties, places and events."""
    through = Accord.places.through
    accords = Accord.objects.annotate(
        n_parties=Count("parties", distinct=True),
        n_places=_subquery_count(through.objects.filter(accord=OuterRef("pk")).values("accord"),
                                 "place"),
        n_events=_subquery_count(Event.accords.through.objects.filter(
            accord=OuterRef("pk"), event__review_status__in=ACTIVE)
                                 .values("accord"), "event"))
    filterset = AccordFilterSet(request.GET, queryset=accords)
    return _listing(request, filterset, ACCORD_SORTS, "-signed", "events/accord_list.html")


PLACE_SORTS = {"name": ("name", "pk"), "-name": ("-name", "pk"),
               "events": ("n_events", "name"), "-events": ("-n_events", "name"),
               "latest": ("latest", "name"), "-latest": ("-latest", "name")}


@analyst_required
def place_list(request):
    """Places where events happened, with their number of events and current holder."""
    query = request.GET.get("q", "").strip()[:200]
    places = (Place.objects.filter(events__review_status__in=ACTIVE)
              .annotate(n_events=Count("events"), latest=Max("events__date"))
              .only("id", "name", "country_code", "admin1_name"))
    if query:
        places = places.filter(Q(pk__in=Place.objects.named(query).values("pk"))
                               | Q(name__istartswith=query))

    def holders(page):
        today = dt.date.today()
        shown = Place.objects.filter(pk__in=[p.pk for p in page])
        status = {s.place.pk: s for s in selectors.place_control_at(date=today, places=shown)}
        for place in page:
            place.status = status.get(place.pk)
        return {"q": query}

    sort = request.GET.get("sort", "-events")
    sort = sort if sort in PLACE_SORTS else "-events"
    page = Paginator(places.order_by(*PLACE_SORTS[sort]), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page": page, "sort": sort, "sorts": PLACE_SORTS,
               "query": urlencode([("q", query)] if query else [])}
    context.update(holders(page))
    return render(request, "events/place_list.html", context)


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

