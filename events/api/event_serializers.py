"""Serializers for events: the nested read form and the editors' write forms."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.choices import (
    AccordRelation,
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
)
from events.models import Accord, Actor, Event, EventAccord, EventActor, Evidence, Place

from .serializers import AccordBriefSerializer, ActorBriefSerializer, PlaceBriefSerializer


class EventActorSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = EventActor
        fields = ["actor", "role"]


class EventAccordSerializer(serializers.ModelSerializer):
    accord = AccordBriefSerializer(read_only=True)

    class Meta:
        model = EventAccord
        fields = ["accord", "relation"]


class EvidenceArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField(source="source.name", default=None, allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class EvidenceSerializer(serializers.ModelSerializer):
    article = EvidenceArticleSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "article", "sentence", "start", "end", "source_label",
                  "extractor_version", "confidence"]


class EventSerializer(serializers.ModelSerializer):
    """An event with its place, actors and roles, accords and evidence."""

    place = PlaceBriefSerializer(read_only=True, allow_null=True)
    actors = EventActorSerializer(source="event_actors", many=True, read_only=True)
    accords = EventAccordSerializer(source="event_accords", many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = ["id", "type", "date", "date_precision", "end_date", "place",
                  "location_precision", "location_text", "fatalities", "displaced", "summary",
                  "confidence", "review_status", "reject_reason", "merged_into", "origin",
                  "locked_fields", "actors", "accords", "evidence", "created_at", "updated_at"]


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "id or slug"})
class IdOrSlugRelatedField(serializers.RelatedField):
    default_error_messages = {
        "does_not_exist": "No {name} with id or slug {value!r}.",
        "incorrect_type": "Expected an id or a slug, got {data_type}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        lookup = {"pk": int(data)} if isinstance(data, int) or str(data).isdigit() \
            else {"slug": data}
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist:
            self.fail("does_not_exist", name=queryset.model._meta.verbose_name, value=data)

    def to_representation(self, value):
        return value.pk


class ActorRoleInputSerializer(serializers.Serializer):
    actor = IdOrSlugRelatedField(queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=ActorRole.choices)


class AccordLinkInputSerializer(serializers.Serializer):
    accord = IdOrSlugRelatedField(queryset=Accord.objects.all())
    relation = serializers.ChoiceField(choices=AccordRelation.choices,
                                       default=AccordRelation.CONCERNS)


class EventWriteSerializer(serializers.Serializer):
    """What an editor may set on an event; the view hands it to event_create/event_correct."""

    type = serializers.ChoiceField(choices=EventType.choices)
    date = serializers.DateField()
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all(), required=False,
                                               allow_null=True)
    location_precision = serializers.ChoiceField(choices=LocationPrecision.choices,
                                                 required=False)
    location_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    fatalities = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                          max_value=2_000_000_000)
    displaced = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                         max_value=2_000_000_000)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    confidence = serializers.FloatField(required=False, min_value=0, max_value=1)
    actors = ActorRoleInputSerializer(many=True, required=False)
    accords = AccordLinkInputSerializer(many=True, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   write_only=True)

    def validate(self, attrs):
        start = attrs.get("date") or getattr(self.instance, "date", None)
        end = attrs["end_date"] if "end_date" in attrs else getattr(self.instance, "end_date", None)
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["The end date is before the date."]})
        return attrs

    def service_arguments(self) -> tuple[dict, str]:
        """The validated data as the services take it: (values/changes, reason)."""
        data = dict(self.validated_data)
        reason = data.pop("reason", "")
        if "actors" in data:
            data["actors"] = [(row["actor"], row["role"]) for row in data["actors"]]
        if "accords" in data:
            data["accords"] = [(row["accord"], row["relation"]) for row in data["accords"]]
        return data, reason


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MergeSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1,
                                max_length=100, help_text="The duplicates to fold into this event.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SplitSerializer(serializers.Serializer):
    evidence_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                         required=False, default=list, max_length=1000)
    changes = serializers.DictField(required=False, default=dict,
                                    help_text="Values of the new event (as in PATCH).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RevertSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
