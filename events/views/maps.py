"""The control map: who holds each place on a date, as a page and as GeoJSON for it."""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse

from events import selectors
from events.choices import ControlState
from events.forms import ControlMapForm
from events.models import Actor, ControlFlip, Evidence, Place

from .access import analyst_required
from .colors import actor_color


def _map_dates():
    # The slider steps through the days on which something changed: nothing else moves.
    return [d.isoformat() for d in ControlFlip.objects.order_by("date")
            .values_list("date", flat=True).distinct()]


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
    statuses = selectors.place_control_at(date=day, places=places, actor=data.get("actor"))
    features = []
    for s in statuses:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [s.place.lon, s.place.lat]},
            "properties": {
                "place_id": s.place.pk, "geonames_id": s.place.geonames_id,
                "name": s.place.name, "admin1": s.place.admin1_name,
                "actor": s.actor.name if s.actor else None,
                "actor_id": s.actor.pk if s.actor else None,
                "color": actor_color(s.actor), "contested": s.contested,
                "since": s.since.isoformat(), "event_id": s.event_id,
            },
        })
    return JsonResponse({"type": "FeatureCollection", "date": day.isoformat(),
                         "features": features})


@analyst_required
def place_card(request, pk):
    """The card shown when a place is clicked on the map: holder, since when, evidence."""
    place = get_object_or_404(Place, pk=pk)
    form = ControlMapForm(request.GET)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or dt.date.today()
    status = next(iter(selectors.place_control_at(
        date=day, places=Place.objects.filter(pk=place.pk))), None)
    flips = list(ControlFlip.objects.filter(place=place, date__lte=day)
                 .select_related("actor", "event").order_by("-date", "-id")[:6])
    evidence = (Evidence.objects.filter(event_id__in=[f.event_id for f in flips])
                .select_related("article__source").order_by("-event__date")[:6])
    return render(request, "events/partials/place_card.html", {
        "place": place, "status": status, "day": day, "flips": flips, "evidence": evidence,
        "held": ControlState.HELD,
    })
