"""Forms of the pages: the map's filters and the editors' review, correction and submission.

Forms only validate; the views hand their cleaned data to ``events.services``.
"""

from __future__ import annotations

from django import forms

from events.choices import (
    AccordRelation,
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
)
from events.models import Accord, Actor, Event, Place

ACTOR_ROWS_EXTRA = 2


class ControlMapForm(forms.Form):
    """The control map's date and filters (also the GeoJSON view's parameters)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    actor = forms.ModelChoiceField(queryset=Actor.objects.all(), required=False,
                                   empty_label="All actors")
    country = forms.CharField(required=False, max_length=20, label="Country (ISO code)",
                              widget=forms.TextInput(attrs={"size": 3, "placeholder": "SY"}))

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise forms.ValidationError("Use a two-letter ISO country code, such as SY.")
        return value


class EventCorrectForm(forms.Form):
    """Every editable field of an event, with its actors as (actor, role) rows."""

    type = forms.ChoiceField(choices=EventType.choices)
    date = forms.DateField(input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_precision = forms.ChoiceField(choices=DatePrecision.choices)
    end_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.ModelChoiceField(queryset=Place.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    location_precision = forms.ChoiceField(choices=LocationPrecision.choices)
    fatalities = forms.IntegerField(required=False, min_value=0)
    displaced = forms.IntegerField(required=False, min_value=0)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(required=False, max_length=500, label="Why (for the history)")

    scalar_fields = ("type", "date", "date_precision", "end_date", "place",
                     "location_precision", "fatalities", "displaced", "summary")

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
