"""Editors add a place no gazetteer has (name, point, admin area); the pipeline's next
article finds it (``ingest.extraction`` adds new places to the workers' gazetteers)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from events import services
from events.forms import PlaceAddForm

from .access import editor_required
from .registry_edit import _add_errors


@editor_required
def place_add(request):
    """The form to add a missing place."""
    form = PlaceAddForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place = services.place_create(
                name=data["name"], lat=data["lat"], lon=data["lon"], kind=data["kind"],
                admin_area=data["admin_area_place"], aliases=data["alias_list"],
                user=request.user, reason=data.get("reason", ""))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Place “{place.name}” added.")
            return redirect("place_detail", pk=place.pk)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "events/place_form.html", {"form": form}, status=status)
