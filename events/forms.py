"""Forms of the pages: the map's filters, the editors' review, correction and submission,
and the actor and accord editors.

Forms only validate; the views hand their cleaned data to ``events.services``.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from events.choices import (
    AccordKind,
    AccordRelation,
    ActorKind,
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
    PlaceKind,
)
from events.models import Accord, Actor, ActorSupport, Event, Place
from ingest.nlp.normalize import translit_form

ACTOR_ROWS_EXTRA = 2


def sub_type_choices() -> list:
    """ACLED's sub-types grouped under their event types (optgroups of the select)."""
    from ingest.nlp.typology import EVENT_TYPES, SUB_EVENT_TYPES

    return [(label, [(s.slug, s.label) for s in SUB_EVENT_TYPES if s.event_type == slug])
            for slug, label in EVENT_TYPES.items()]


class ControlMapForm(forms.Form):
    """The control map's date and filters (also the GeoJSON view's parameters)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    actor = forms.ModelChoiceField(queryset=Actor.objects.all(), required=False,
                                   empty_label="All actors")
    country = forms.CharField(required=False, max_length=20, label="Country (ISO code)",
                              widget=forms.TextInput(attrs={"size": 3, "placeholder": "SY"}))
    verified_only = forms.BooleanField(required=False, label="Verified only")
    min_sources = forms.IntegerField(required=False, min_value=1, max_value=1000,
                                     label="Min. sources",
                                     widget=forms.NumberInput(attrs={"size": 3, "min": 1}))

    def clean_min_sources(self):
        return self.cleaned_data.get("min_sources") or 0

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise forms.ValidationError("Use a two-letter ISO country code, such as SY.")
        return value


class ControlChangesForm(forms.Form):
    """The map's "changes between two dates" view."""

    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])
    country = forms.CharField(required=False, max_length=2)

    def clean_country(self):
        return ControlMapForm.clean_country(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end is before the start.")
        return data


class ControlReviewForm(forms.Form):
    """An editor's verdict on the event behind a place's control, from the map card."""

    action = forms.ChoiceField(choices=[("verify", "Verify"), ("reject", "Reject")])
    event = forms.IntegerField()
    date = forms.DateField(input_formats=["%Y-%m-%d"])
    reason = forms.CharField(required=False, max_length=1000)


class EventCorrectForm(forms.Form):
    """Every editable field of an event, with its actors as (actor, role) rows."""

    type = forms.ChoiceField(choices=EventType.choices, label="Kind",
                             help_text="Changing the sub-type moves the kind with it.")
    sub_event_type = forms.ChoiceField(choices=sub_type_choices, label="ACLED sub-event type",
                                       required=False)
    date = forms.DateField(input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_precision = forms.ChoiceField(choices=DatePrecision.choices)
    end_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.ModelChoiceField(queryset=Place.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    location_precision = forms.ChoiceField(choices=LocationPrecision.choices)
    fatalities = forms.IntegerField(required=False, min_value=0)
    injured = forms.IntegerField(required=False, min_value=0)
    displaced = forms.IntegerField(required=False, min_value=0)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    background = forms.BooleanField(
        required=False, label="Background (told in passing, not news)",
        help_text="Kept off the map and the default lists until verified.")
    reason = forms.CharField(required=False, max_length=500, label="Why (for the history)")

    scalar_fields = ("type", "sub_event_type", "date", "date_precision", "end_date", "place",
                     "location_precision", "fatalities", "injured", "displaced", "summary",
                     "background")

    def __init__(self, *args, event: Event, **kwargs):
        self.event = event
        roles = [(ea.actor_id, ea.role) for ea in event.event_actors.all()]
        links = [(ea.accord_id, ea.relation) for ea in event.event_accords.all()]
        initial = {name: getattr(event, name) for name in self.scalar_fields}
        for i, (actor_id, role) in enumerate(roles):
            initial[f"actor_{i}"], initial[f"role_{i}"] = actor_id, role
        for i, (accord_id, relation) in enumerate(links):
            initial[f"accord_{i}"], initial[f"relation_{i}"] = accord_id, relation
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.actor_rows = []
        actors = Actor.objects.order_by("name")
        for i in range(len(roles) + ACTOR_ROWS_EXTRA):
            self.fields[f"actor_{i}"] = forms.ModelChoiceField(
                queryset=actors, required=False, label=f"Actor {i + 1}", empty_label="—")
            self.fields[f"role_{i}"] = forms.ChoiceField(
                choices=[("", "—"), *ActorRole.choices], required=False, label="Role")
            self.actor_rows.append((f"actor_{i}", f"role_{i}"))
        self.accord_rows = []
        accords = Accord.objects.order_by("name")
        for i in range(len(links) + 1):
            self.fields[f"accord_{i}"] = forms.ModelChoiceField(
                queryset=accords, required=False, label=f"Accord {i + 1}", empty_label="—")
            self.fields[f"relation_{i}"] = forms.ChoiceField(
                choices=AccordRelation.choices, required=False, label="Relation",
                initial=AccordRelation.CONCERNS)
            self.accord_rows.append((f"accord_{i}", f"relation_{i}"))

    def clean(self):
        data = super().clean()
        end, start = data.get("end_date"), data.get("date")
        if end and start and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        for actor_name, role_name in self.actor_rows:
            if bool(data.get(actor_name)) != bool(data.get(role_name)):
                self.add_error(role_name, "Choose both the actor and its role, or neither.")
        return data

    def changes(self) -> dict:
        """Only the fields that differ from the event, as ``event_correct`` expects them."""
        data = self.cleaned_data
        changes = {}
        for name in self.scalar_fields:
            value = data.get(name)
            if name == "summary":
                value = value or ""
            if name == "sub_event_type" and not value:
                continue  # not sent: the kind alone decides
            if value != getattr(self.event, name):
                changes[name] = value
        actors = [(data[a], data[r]) for a, r in self.actor_rows if data.get(a) and data.get(r)]
        current = sorted((ea.actor_id, ea.role) for ea in self.event.event_actors.all())
        if sorted((a.pk, r) for a, r in actors) != current:
            changes["actors"] = actors
        accords = [(data[a], data.get(r) or AccordRelation.CONCERNS)
                   for a, r in self.accord_rows if data.get(a)]
        current = sorted((ea.accord_id, ea.relation) for ea in self.event.event_accords.all())
        if sorted((a.pk, r) for a, r in accords) != current:
            changes["accords"] = accords
        return changes


class ChartRangeForm(forms.Form):
    """The chart's range: two months (YYYY-MM), the data's whole range by default."""

    start = forms.DateField(required=False, input_formats=["%Y-%m"], label="From",
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    end = forms.DateField(required=False, input_formats=["%Y-%m"], label="To",
                          widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end month is before the start month.")
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(
        attrs={"placeholder": "e.g. an attempt, not a capture"}))


class MergeForm(forms.Form):
    duplicates = forms.CharField(label="Duplicate event ids (comma-separated)", max_length=200)

    def clean_duplicates(self):
        ids = []
        for part in self.cleaned_data["duplicates"].replace(" ", "").split(","):
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(f"{part!r} is not an event id.")
            ids.append(int(part))
        events = list(Event.objects.filter(pk__in=ids))
        missing = set(ids) - {e.pk for e in events}
        if missing:
            raise forms.ValidationError(f"No event with id {', '.join(map(str, sorted(missing)))}.")
        if not events:
            raise forms.ValidationError("Give at least one event id.")
        return events


class SplitForm(forms.Form):
    evidence = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                         label="Evidence that belongs to the new event")

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(str(ev.pk), ev.sentence[:120])
                                           for ev in event.evidence.all()]


class ArticleSubmitForm(forms.Form):
    """An article to ingest: a URL, or a pasted text with its metadata."""

    url = forms.URLField(required=False, max_length=2000, label="Article URL",
                          assume_scheme="https")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}),
                           label="…or paste the text")
    title = forms.CharField(required=False, max_length=1000)
    published = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source_name = forms.CharField(required=False, max_length=200, label="Outlet")

    def clean(self):
        data = super().clean()
        if not data.get("url") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Give the article's URL or paste its text.")
        if data.get("url") and (data.get("text") or "").strip():
            raise forms.ValidationError("Give a URL or a text, not both.")
        return data


class FeedForm(forms.Form):
    """A feed to poll: its URL and how often."""

    url = forms.URLField(max_length=2000, label="Feed URL (RSS or Atom)", assume_scheme="https")
    interval_minutes = forms.IntegerField(min_value=5, max_value=24 * 60, initial=60,
                                          label="Poll every (minutes)")


BACKER_ROWS_EXTRA = 3
GEONAMES_LINE = re.compile(r"^\s*(\d+)(?:\s|,|$)")


def _date_field(**kwargs) -> forms.DateField:
    return forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           **kwargs)


def _names_field(label: str) -> forms.CharField:
    return forms.CharField(required=False, label=label, help_text="One per line.",
                           widget=forms.Textarea(attrs={"rows": 4}))


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ActorForm(forms.Form):
    """An actor's fields, its names one per line, and its backers as (actor, from, to) rows.

    ``actor`` is the actor being edited (None for a new one); its current backers fill
    the first rows and a few empty rows follow for new ones.
    """

    name = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=ActorKind.choices, initial=ActorKind.OTHER)
    country_code = forms.CharField(required=False, max_length=2, label="Country (ISO code)",
                                   widget=forms.TextInput(attrs={"size": 3,
                                                                 "placeholder": "SY"}))
    parent = forms.ModelChoiceField(queryset=Actor.objects.order_by("name"), required=False,
                                    label="Unit of", empty_label="—")
    aliases = _names_field("Aliases")
    acled_names = _names_field("ACLED names")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    color = forms.CharField(required=False, max_length=7, label="Map colour (#rrggbb)",
                            widget=forms.TextInput(attrs={"size": 8, "placeholder": "#1f77b4"}))
    is_candidate = forms.BooleanField(required=False,
                                      label="Still a candidate (not yet accepted)")
    reason = forms.CharField(required=False, max_length=500, label="Why (for the history)")

    def __init__(self, *args, actor: Actor | None = None, **kwargs):
        self.actor = actor
        links = (list(ActorSupport.objects.filter(supported=actor).select_related("supporter")
                      .order_by("start_date", "supporter__name")) if actor else [])
        initial = {}
        if actor is not None:
            initial = {"name": actor.name, "kind": actor.kind, "country_code": actor.country_code,
                       "parent": actor.parent_id, "aliases": "\n".join(actor.aliases),
                       "acled_names": "\n".join(actor.acled_names),
                       "description": actor.description, "color": actor.color,
                       "is_candidate": actor.is_candidate}
        for i, link in enumerate(links):
            initial[f"backer_{i}"] = link.supporter_id
            initial[f"backer_start_{i}"] = link.start_date
            initial[f"backer_end_{i}"] = link.end_date
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        others = Actor.objects.order_by("name")
        if actor is None:
            # A new actor is the editor's own, so never a pipeline candidate.
            del self.fields["is_candidate"]
        else:
            others = others.exclude(pk=actor.pk)
            self.fields["parent"].queryset = others
        self.backer_rows = []
        for i in range(len(links) + BACKER_ROWS_EXTRA):
            self.fields[f"backer_{i}"] = forms.ModelChoiceField(
                queryset=others, required=False, label=f"Backer {i + 1}", empty_label="—")
            self.fields[f"backer_start_{i}"] = _date_field(label="From")
            self.fields[f"backer_end_{i}"] = _date_field(label="Until")
            self.backer_rows.append((f"backer_{i}", f"backer_start_{i}", f"backer_end_{i}"))

    def clean(self):
        data = super().clean()
        seen = set()
        for backer, start, end in self.backer_rows:
            if not data.get(backer):
                if data.get(start) or data.get(end):
                    self.add_error(backer, "Choose the backer, or clear its dates.")
                continue
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, "The end date is before the start date.")
            key = (data[backer].pk, data.get(start))
            if key in seen:
                self.add_error(backer, "This backer is already listed from the same date.")
            seen.add(key)
        return data

    def values(self) -> dict:
        """The actor's fields as ``actor_create``/``actor_update`` take them."""
        data = self.cleaned_data
        values = {"name": data["name"], "kind": data["kind"],
                  "country_code": data["country_code"], "parent": data["parent"],
                  "aliases": _lines(data["aliases"]), "acled_names": _lines(data["acled_names"]),
                  "description": data["description"], "color": data["color"]}
        if "is_candidate" in self.fields:
            values["is_candidate"] = data["is_candidate"]
        return values

    def backers(self) -> list[tuple[Actor, dt.date | None, dt.date | None]]:
        """The filled backer rows, as ``actor_support_set`` takes them."""
        data = self.cleaned_data
        return [(data[b], data.get(s), data.get(e)) for b, s, e in self.backer_rows
                if data.get(b)]


class AccordForm(forms.Form):
    """An accord's fields, its parties and guarantors, and covered places by GeoNames id."""

    name = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=AccordKind.choices, initial=AccordKind.OTHER)
    signed_date = _date_field(label="Signed")
    start_date = _date_field(label="In force from")
    end_date = _date_field(label="Until")
    aliases = _names_field("Also called")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    parties = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.order_by("name"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.")
    guarantors = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.order_by("name"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}))
    places = forms.CharField(
        required=False, label="Places covered (GeoNames ids)",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "172359 Saraqib"}),
        help_text="One place a line, starting with its GeoNames id; the rest of the line is "
                  "ignored. Find ids with the search page.")
    is_candidate = forms.BooleanField(required=False,
                                      label="Still a candidate (not yet accepted)")
    reason = forms.CharField(required=False, max_length=500, label="Why (for the history)")

    def __init__(self, *args, accord: Accord | None = None, **kwargs):
        self.accord = accord
        # Places without a GeoNames id cannot be written in the box; they are kept as they are.
        self.kept_places = (list(accord.places.filter(geonames_id__isnull=True))
                            if accord else [])
        initial = {}
        if accord is not None:
            initial = {name: getattr(accord, name) for name in
                       ("name", "kind", "signed_date", "start_date", "end_date", "description",
                        "is_candidate")}
            initial["aliases"] = "\n".join(accord.aliases)
            initial["parties"] = list(accord.parties.values_list("pk", flat=True))
            initial["guarantors"] = list(accord.guarantors.values_list("pk", flat=True))
            initial["places"] = "\n".join(
                f"{p.geonames_id} {p}" for p in
                accord.places.filter(geonames_id__isnull=False).order_by("name"))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if accord is None:
            del self.fields["is_candidate"]

    def clean_places(self) -> list[Place]:
        ids = []
        for number, line in enumerate(self.cleaned_data["places"].splitlines(), start=1):
            if not line.strip():
                continue
            match = GEONAMES_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"Line {number} does not start with a GeoNames id: {line.strip()[:60]!r}.")
            ids.append(int(match.group(1)))
        places = list(Place.objects.filter(geonames_id__in=ids))
        missing = sorted(set(ids) - {p.geonames_id for p in places})
        if missing:
            raise forms.ValidationError(
                "Not in the gazetteer: GeoNames " + ", ".join(map(str, missing)) + ".")
        return places + self.kept_places

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return data

    def values(self) -> dict:
        """The accord's own fields, as ``accord_create``/``accord_update`` take them."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("name", "kind", "signed_date", "start_date",
                                                "end_date", "description")}
        values["aliases"] = _lines(data["aliases"])
        if "is_candidate" in self.fields:
            values["is_candidate"] = data["is_candidate"]
        return values

    def relations(self) -> dict:
        """Parties, guarantors and places, each the complete new list."""
        data = self.cleaned_data
        return {"parties": list(data["parties"]), "guarantors": list(data["guarantors"]),
                "places": data["places"]}


class PlaceAddForm(forms.Form):
    """A place no gazetteer has: its name, point and the admin area it lies in."""

    name = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=PlaceKind.choices, initial=PlaceKind.POPULATED_PLACE)
    lat = forms.FloatField(label="Latitude", min_value=-90, max_value=90)
    lon = forms.FloatField(label="Longitude", min_value=-180, max_value=180)
    country_code = forms.CharField(max_length=2, label="Country (ISO code)",
                                   widget=forms.TextInput(attrs={"size": 3,
                                                                 "placeholder": "SY"}))
    admin_area = forms.CharField(max_length=200, label="Admin area",
                                 help_text="The province or district it lies in, any spelling.")
    aliases = _names_field("Other names")
    reason = forms.CharField(required=False, max_length=500)

    def clean_country_code(self):
        return self.cleaned_data["country_code"].strip().upper()

    def clean(self):
        data = super().clean()
        name, cc = data.get("admin_area"), data.get("country_code")
        if name and cc:
            areas = (Place.objects.filter(country_code=cc, kind=PlaceKind.ADMIN_AREA)
                     .order_by("-population", "pk"))
            # Any spelling: "Idleb" is the area the gazetteer calls "Idlib".
            form = translit_form(name)
            area = areas.named(name).first() or next(
                (a for a in areas.only("id", "name", "aliases", "country_code", "admin1_code",
                                       "admin1_name", "admin2_name", "kind", "feature_code")
                 if form and form in {translit_form(n) for n in (a.name, *a.aliases)}), None)
            if area is None:
                self.add_error("admin_area", f"No admin area called {name!r} in {cc}.")
            data["admin_area_place"] = area
        data["alias_list"] = _lines(data.get("aliases", ""))
        return data
