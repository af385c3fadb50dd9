"""The control map: who holds each place on a date, as a page and as GeoJSON for it."""

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from events import selectors, services
from events.caching import cached_answer
from events.choices import ControlState
from events.forms import ControlChangesForm, ControlMapForm, ControlReviewForm
from events.models import Actor, ControlFlip, Event, Evidence, Place
from events.models.control import BEFORE_RECORDS
from events.permissions import is_editor

from .access import analyst_required, editor_required
from .colors import UNHELD, actor_color, actor_side


def _map_dates():
    # The slider steps through the days on which something changed: nothing else moves
    # (a holder inferred from before the records has no day of its own).
    return [d.isoformat() for d in ControlFlip.objects.exclude(date=BEFORE_RECORDS)
            .order_by("date").values_list("date", flat=True).distinct()]


@analyst_required
def control_map(request):
    """The map page; its script asks ``control_data`` for each date of the slider."""
    form = ControlMapForm(request.GET or None)
    # Only actors that ever held or contested a place are worth offering. EXISTS walks the
    # (actor, date) index; a join with DISTINCT would read every flip.
    form.fields["actor"].queryset = Actor.objects.filter(
        Exists(ControlFlip.objects.filter(actor=OuterRef("pk"))))
    dates = _map_dates()
    initial = dates[-1] if dates else dt.date.today().isoformat()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("date"):
        initial = form.cleaned_data["date"].isoformat()
    return render(request, "events/control_map.html", {
        "form": form, "dates": dates, "initial_date": initial,
        "map_config": {
            "dataUrl": reverse("control_data"),
            "changesUrl": reverse("control_changes"),
            "areasUrl": reverse("control_areas"),
            "admin1Url": reverse("admin1_boundaries"),
            "cardUrl": reverse("place_card", args=[0]),
            "placeUrl": reverse("place_detail", args=[0]),
            "basemap": static("vendor/world-atlas/countries-50m.json"),
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "initialDate": initial,
        },
    })


@analyst_required
def control_data(request):
    """GeoJSON of places with their holder on ``date``, coloured by actor, contested marked.

    A wrong parameter answers 400 with the form's messages per field, which the page shows
    next to the field.
    """
    form = ControlMapForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    day = data.get("date") or dt.date.today()
    places = None
    if data.get("country"):
        places = Place.objects.filter(country_code=data["country"])
    statuses = selectors.place_control_at(
        date=day, places=places, actor=data.get("actor"),
        verified_only=data.get("verified_only") or False,
        min_sources=data.get("min_sources") or 0)
    return JsonResponse({"type": "FeatureCollection", "date": day.isoformat(),
                         "features": [_feature(s) for s in statuses],
                         "legend": _legend(statuses)})


def _feature(s) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [s.place.lon, s.place.lat]},
        "properties": {
            "place_id": s.place.pk, "geonames_id": s.place.geonames_id,
            "name": s.place.name, "admin1": s.place.admin1_name,
            "country": s.place.country_code,
            "population": s.place.population,
            "actor": s.actor.name if s.actor else None,
            "actor_id": s.actor.pk if s.actor else None,
            "side": _side_name(s),
            "color": UNHELD if s.unheld else actor_color(s.actor),
            "unheld": s.unheld, "contested": s.contested,
            "contested_until": s.contested_until.isoformat() if s.contested_until else None,
            "since": s.since.isoformat() if s.since else None,
            "event_id": s.event_id, "inferred": bool(s.inferred),
            "confidence": round(s.confidence, 3), "sources": s.sources,
            "verified": s.verified, "evidence": s.evidence_level,
        },
    }


def _side_name(s) -> str:
    if s.unheld:
        return "Unheld (withdrawn)"
    if s.actor is None:
        return "Contested, holder unknown"
    return actor_side(s.actor).name


def _legend(statuses) -> list[dict]:
    """One entry per colour drawn: each side with the actors of it holding places."""
    entries: dict[str, dict] = {}
    for s in statuses:
        color = UNHELD if s.unheld else actor_color(s.actor)
        entry = entries.setdefault(color, {"color": color, "name": _side_name(s),
                                           "actors": [], "places": 0})
        entry["places"] += 1
        if s.actor is not None and s.actor.name not in entry["actors"]:
            entry["actors"].append(s.actor.name)
    return sorted(entries.values(), key=lambda e: (-e["places"], e["name"]))


@analyst_required
def control_areas(request):
    """The area view: each place's Voronoi cell coloured by its holder's side."""
    form = ControlMapForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    day = data.get("date") or dt.date.today()
    places = Place.objects.filter(country_code=data["country"]) if data.get("country") else None
    statuses = selectors.place_control_at(
        date=day, places=places, actor=data.get("actor"),
        verified_only=data.get("verified_only") or False,
        min_sources=data.get("min_sources") or 0)
    features = []
    for s, shape in selectors.control_areas_at(date=day, statuses=statuses):
        props = {"place_id": s.place.pk, "unheld": s.unheld,
                 "color": UNHELD if s.unheld else actor_color(s.actor)}
        # The shape is PostGIS's GeoJSON text already: not parsed to be written again.
        features.append(f'{{"type":"Feature","geometry":{shape},'
                        f'"properties":{json.dumps(props)}}}')
    return HttpResponse('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                        content_type="application/json")


@analyst_required
def admin1_boundaries(request):
    """A country's admin-1 areas (approximated from its towns) for the map's boundaries."""
    country = (request.GET.get("country") or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        return JsonResponse({"errors": {"country": [{
            "message": "Use a two-letter ISO country code, such as SY."}]}}, status=400)

    def build() -> bytes:
        features = [f'{{"type":"Feature","geometry":{shape},"properties":'
                    f'{json.dumps({"code": code, "name": name})}}}'
                    for code, name, shape in selectors.admin1_areas(country=country) if shape]
        return ('{"type":"FeatureCollection","features":[' + ",".join(features)
                + "]}").encode()

    return HttpResponse(cached_answer("admin1", (country,), build),
                        content_type="application/json")


@analyst_required
def control_changes(request):
    """The places that changed hands between ``start`` and ``end`` (the map's change view)."""
    form = ControlChangesForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    places = Place.objects.filter(country_code=data["country"]) if data.get("country") else None
    changes = selectors.control_changes_between(start=data["start"], end=data["end"],
                                                places=places)
    return JsonResponse({"start": data["start"].isoformat(), "end": data["end"].isoformat(),
                         "changes": [{
                             "place_id": c.place.pk, "name": c.place.name,
                             "lon": c.place.lon, "lat": c.place.lat,
                             "before": c.before.actor.name if c.before and c.before.actor
                             else None,
                             "after": c.after.actor.name if c.after.actor else None,
                             "color": UNHELD if c.after.unheld else actor_color(c.after.actor),
                             "since": c.after.since.isoformat() if c.after.since else None,
                         } for c in changes]})


def _card(request, place, day, message=""):
    status = next(iter(selectors.place_control_at(
        date=day, places=Place.objects.filter(pk=place.pk))), None)
    flips = list(ControlFlip.objects.filter(place=place, date__lte=day)
                 .select_related("actor", "lost_by").order_by("-date", "-id")[:6])
    evidence = (Evidence.objects.filter(event_id__in=[f.event_id for f in flips])
                .select_related("article__source").order_by("-event__date")[:6])
    return render(request, "events/partials/place_card.html", {
        "place": place, "status": status, "day": day, "flips": flips, "evidence": evidence,
        "held": ControlState.HELD, "before_records": BEFORE_RECORDS,
        "can_review": is_editor(request.user), "message": message,
    })


@analyst_required
def place_card(request, pk):
    """The card shown when a place is clicked on the map: holder, since when, evidence."""
    place = get_object_or_404(Place, pk=pk)
    form = ControlMapForm(request.GET)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or dt.date.today()
    return _card(request, place, day)


@editor_required
@require_POST
def place_control_review(request, pk):
    """An editor verifies or rejects the event behind a place's control on a date (the
    map card's buttons); the card comes back as it now reads."""
    place = get_object_or_404(Place, pk=pk)
    form = ControlReviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    status = next(iter(selectors.place_control_at(
        date=data["date"], places=Place.objects.filter(pk=place.pk))), None)
    if status is None or status.event_id != data["event"]:
        return JsonResponse({"errors": {"event": [{
            "message": "That is no longer the event behind this place's control on "
                       f"{data['date']:%Y-%m-%d}: reload the card."}]}}, status=409)
    event = Event.objects.get(pk=status.event_id)
    try:
        if data["action"] == "verify":
            services.event_verify(event=event, user=request.user,
                                  reason=data["reason"] or "verified from the control map")
            message = "Verified."
        else:
            services.event_reject(event=event, user=request.user, reason=data["reason"])
            message = "Rejected: the map no longer counts this event."
    except ValidationError as error:
        return JsonResponse({"errors": {k: [{"message": m} for m in v]
                                        for k, v in error.message_dict.items()}}, status=400)
    return _card(request, place, data["date"], message)
