"""Serializers of the watch API: watches, their deliveries, and the changes feed."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from events.models import Actor, Place

from ..models import Change, ChangeAction, ChangeKind, Delivery, Watch
from ..validation import parse_bbox, parse_polygon


class WatchSerializer(serializers.ModelSerializer):
    """A watch. Give the area as ``bbox`` (min_lon,min_lat,max_lon,max_lat) or ``polygon``
    (GeoJSON), or a ``country_code``, ``place`` or ``actor``. ``secret`` signs the webhooks;
    ``feed_url`` is the private Atom feed."""

    bbox = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                 help_text="min_lon,min_lat,max_lon,max_lat")
    polygon = serializers.JSONField(write_only=True, required=False, allow_null=True,
                                    help_text="A GeoJSON Polygon or MultiPolygon (lon, lat)")
    area = serializers.SerializerMethodField()
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all(), required=False,
                                               allow_null=True)
    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), required=False,
                                               allow_null=True)
    feed_url = serializers.SerializerMethodField()

    class Meta:
        model = Watch
        fields = ["id", "name", "bbox", "polygon", "area", "country_code", "place", "actor",
                  "on_control", "on_verified", "min_confidence", "active", "webhook_url",
                  "email", "secret", "feed_url", "created_at"]
        read_only_fields = ["secret", "created_at"]

    def get_area(self, watch) -> dict | None:
        import json

        return json.loads(watch.area.geojson) if watch.area else None

    def get_feed_url(self, watch) -> str:
        path = reverse("watch_feed", args=[watch.pk, watch.feed_token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate(self, attrs):
        bbox, polygon = attrs.pop("bbox", None), attrs.pop("polygon", None)
        if bbox and polygon:
            raise serializers.ValidationError({"bbox": "Give a bbox or a polygon, not both."})
        if bbox:
            attrs["area"] = parse_bbox(bbox, field="bbox")
        elif polygon:
            attrs["area"] = parse_polygon(polygon, field="polygon")
        return attrs


class DeliverySerializer(serializers.ModelSerializer):
    change = serializers.IntegerField(source="change_id")
    kind = serializers.CharField(source="change.kind")
    action = serializers.CharField(source="change.action")
    object_id = serializers.IntegerField(source="change.object_id")

    class Meta:
        model = Delivery
        fields = ["id", "change", "kind", "action", "object_id", "status", "attempts",
                  "last_error", "created_at", "delivered_at", "emailed_at"]


class ChangeSerializer(serializers.Serializer):
    """One committed change. ``data`` is the object's current state as the API shows it
    (events as in /events/, places as in /places/, actors as in /actors/); null once the
    object is deleted."""

    id = serializers.IntegerField(help_text="The change id: the cursor, in commit order.")
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    object_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ChangeAction.choices)
    merged_into = serializers.IntegerField(allow_null=True,
                                           help_text="The surviving event of a merge.")
    at = serializers.DateTimeField()
    data = serializers.JSONField(allow_null=True)


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_since = serializers.IntegerField(help_text="Pass as ?since= for the next page.")
    has_more = serializers.BooleanField()


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=500)
    kind = serializers.MultipleChoiceField(choices=ChangeKind.choices, required=False)


__all__ = ["Change", "ChangeSerializer", "ChangesPageSerializer", "ChangesQuerySerializer",
           "DeliverySerializer", "WatchSerializer"]
