"""The watch form of the pages: the area as a bbox or a GeoJSON polygon (no map library)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from events.models import Actor, Place

from .validation import parse_bbox, parse_polygon


def _field_errors(parse, raw: str, field: str):
    # The parsers name their field; a form's clean_<field> gives the bare messages.
    try:
        return parse(raw, field=field)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict[field]) from None


class WatchForm(forms.Form):
    name = forms.CharField(max_length=200)
    bbox = forms.CharField(required=False, label="Area (bbox)",
                           help_text="min_lon,min_lat,max_lon,max_lat",
                           widget=forms.TextInput(attrs={"placeholder": "36.2,35.5,37.0,36.3"}))
    polygon = forms.CharField(required=False, label="Area (GeoJSON polygon)",
                              widget=forms.Textarea(attrs={"rows": 4}))
    country_code = forms.CharField(required=False, max_length=2, label="Country (ISO code)")
    place = forms.IntegerField(required=False, min_value=1, label="Place id")
    actor = forms.ModelChoiceField(queryset=Actor.objects.filter(is_candidate=False),
                                   required=False)
    on_control = forms.BooleanField(required=False, initial=True, label="Control changes")
    on_verified = forms.BooleanField(required=False, label="Verified events")
    min_confidence = forms.FloatField(min_value=0, max_value=1, initial=0.5)
    webhook_url = forms.URLField(required=False, label="Webhook URL (https)",
                                   assume_scheme="https")
    email = forms.BooleanField(required=False, label="E-mail digest (hourly at most)")

    def clean_bbox(self):
        raw = self.cleaned_data["bbox"].strip()
        return _field_errors(parse_bbox, raw, "bbox") if raw else None

    def clean_polygon(self):
        raw = self.cleaned_data["polygon"].strip()
        return _field_errors(parse_polygon, raw, "polygon") if raw else None

    def clean_place(self):
        pk = self.cleaned_data["place"]
        if pk is None:
            return None
        place = Place.objects.filter(pk=pk).first()
        if place is None:
            raise ValidationError("No place has that id.")
        return place

    def clean(self):
        data = super().clean()
        if data.get("bbox") and data.get("polygon"):
            raise ValidationError({"polygon": "Give a bbox or a polygon, not both."})
        return data

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["area"] = data.pop("bbox", None) or data.pop("polygon", None)
        data.pop("polygon", None)
        return data
