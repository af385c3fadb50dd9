"""Events: list, detail, exports, and the editors' actions (all through events.services)."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from events import exports, services
from events.choices import RevisionVia
from events.filtersets import EventFilterSet
from events.models import Event, EventAccord, EventActor, Evidence, Revision

from .base import (
    ACLEDCSVRenderer,
    CSVRenderer,
    ExportFormatMixin,
    GeoJSONRenderer,
    OneFormClassMixin,
    StrictOrderingFilter,
)
from .event_serializers import (
    EventSerializer,
    EventWriteSerializer,
    MergeSerializer,
    ReasonSerializer,
    RejectSerializer,
    RevertSerializer,
    SplitSerializer,
    event_list_data,
)
from .export_limits import limited_export
from .pagination import KBCursorPagination
from .renderers import JSONRenderer
from .serializers import RevisionSerializer

EXPORT_LAYOUTS = ["csv", "acled", "geojson"]
VIA = RevisionVia.API


class EventPagination(KBCursorPagination):
    ordering = ("-date", "-id")


class APIEventFilterSet(OneFormClassMixin, EventFilterSet):
    """The events' filters (``EventFilterSet``), their form class made once."""


@extend_schema(tags=["events"])
class EventViewSet(ExportFormatMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Events with their place, actors and roles, accords and evidence.

    Lists show active events (extracted or verified) unless ``review_status`` is given.
    ``?format=csv``, ``?format=acled-csv`` and ``?format=geojson`` stream the whole
    filtered list (no pages); so does ``/events/export/?layout=csv|acled|geojson``.
    """

    serializer_class = EventSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = APIEventFilterSet
    ordering_fields = ["date", "confidence", "created_at"]
    ordering = ("-date", "-id")
    pagination_class = EventPagination
    renderer_classes = [JSONRenderer, renderers.BrowsableAPIRenderer,
                        GeoJSONRenderer, CSVRenderer, ACLEDCSVRenderer]

    def get_queryset(self):
        return Event.objects.select_related("place").prefetch_related(
            Prefetch("event_actors", queryset=EventActor.objects.select_related("actor")),
            Prefetch("event_accords", queryset=EventAccord.objects.select_related("accord")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("article__source")
                     .order_by("id")),
        )

    def filter_queryset(self, queryset):
        # Query parameters filter lists only: a detail or an action finds any event by id.
        if self.action not in ("list", "export"):
            return queryset
        return super().filter_queryset(queryset)

    def _fresh(self, event: Event) -> dict:
        return EventSerializer(self.get_queryset().get(pk=event.pk),
                               context=self.get_serializer_context()).data

    def list(self, request, *args, **kwargs):
        fmt = self.export_format()
        queryset = self.filter_queryset(Event.objects.all())
        if fmt == "geojson":
            return limited_export(request, queryset, exports.events_geojson_response)
        if fmt in ("csv", "acled-csv"):
            layout = "acled" if fmt == "acled-csv" else "csv"
            return limited_export(request, queryset, lambda qs: exports.events_csv_response(
                qs, layout=layout))
        # The page's ids first, reading only the id and the ordering's field (an index-only
        # scan for a bbox and dates), then the page's 50 rows: fetching whole rows for every
        # candidate before keeping 50 read the table at random (35 ms for 8,890 candidates).
        field = self.paginator.get_ordering(request, queryset, self)[0].lstrip("-")
        page = self.paginate_queryset(queryset.values("id", field))
        return self.get_paginated_response(event_list_data([row["id"] for row in page]))

    @extend_schema(
        parameters=[OpenApiParameter("layout", str, enum=EXPORT_LAYOUTS,
                                     description="csv (ours), acled (ACLED's columns) or geojson")],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.ANY, description="CSV"),
                   (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.ANY,
                                                                  description="GeoJSON")},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        """The whole filtered list as a streamed file: takes the list's filters."""
        layout = request.query_params.get("layout", "csv")
        if layout not in EXPORT_LAYOUTS:
            raise ValidationError({"layout": [
                f"Expected one of {', '.join(EXPORT_LAYOUTS)}, got {layout!r}."]})
        queryset = self.filter_queryset(Event.objects.all())
        if layout == "geojson":
            return limited_export(request, queryset, exports.events_geojson_response)
        return limited_export(request, queryset,
                              lambda qs: exports.events_csv_response(qs, layout=layout))

    @extend_schema(request=EventWriteSerializer, responses={201: EventSerializer})
    def create(self, request):
        """Add an event (editors). Its values are locked against re-extraction."""
        form = EventWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values, reason = form.service_arguments()
        actors, accords = values.pop("actors", []), values.pop("accords", [])
        event = services.event_create(values=values, actors=actors, accords=accords,
                                      user=request.user, via=VIA, reason=reason)
        return Response(self._fresh(event), status=status.HTTP_201_CREATED)

    @extend_schema(request=EventWriteSerializer, responses={200: EventSerializer})
    def partial_update(self, request, pk=None):
        """Correct fields of an event (editors); corrected fields stay as the editor set them."""
        event = self.get_object()
        form = EventWriteSerializer(instance=event, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes, reason = form.service_arguments()
        if not changes:
            raise ValidationError({"non_field_errors": ["Nothing to change."]})
        event = services.event_correct(event=event, changes=changes, user=request.user,
                                       via=VIA, reason=reason)
        return Response(self._fresh(event))

    @extend_schema(request=ReasonSerializer, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Mark the event as checked by a person."""
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        event = services.event_verify(event=self.get_object(), user=request.user, via=VIA,
                                      reason=form.validated_data.get("reason", ""))
        return Response(self._fresh(event))

    @extend_schema(request=RejectSerializer, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the event; ``reason`` is required."""
        form = RejectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        event = services.event_reject(event=self.get_object(), user=request.user, via=VIA,
                                      reason=form.validated_data["reason"])
        return Response(self._fresh(event))

    @extend_schema(request=MergeSerializer, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold the events in ``ids`` (duplicates) into this one."""
        target = self.get_object()
        form = MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ids = set(form.validated_data["ids"]) - {target.pk}
        duplicates = list(Event.objects.filter(pk__in=ids))
        missing = ids - {e.pk for e in duplicates}
        if missing:
            raise ValidationError({"ids": [f"No event with id {i}." for i in sorted(missing)]})
        event = services.event_merge(target=target, duplicates=duplicates, user=request.user,
                                     via=VIA, reason=form.validated_data.get("reason", ""))
        return Response(self._fresh(event))

    @extend_schema(request=SplitSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        """Move the given evidence to a new event with ``changes``; answers the new event."""
        event = self.get_object()
        form = SplitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes_form = EventWriteSerializer(instance=event, data=form.validated_data["changes"],
                                            partial=True)
        if not changes_form.is_valid():
            raise ValidationError({"changes": changes_form.errors})
        changes, _ = changes_form.service_arguments()
        new = services.event_split(event=event, evidence_ids=form.validated_data["evidence_ids"],
                                   changes=changes, user=request.user, via=VIA,
                                   reason=form.validated_data.get("reason", ""))
        return Response(self._fresh(new), status=status.HTTP_201_CREATED)

    @extend_schema(request=RevertSerializer, responses={200: EventSerializer})
    @action(detail=True, methods=["post"])
    def revert(self, request, pk=None):
        """Bring the event back to its state after the given revision."""
        event = self.get_object()
        form = RevertSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        revision = services.revisions_for(event).filter(pk=form.validated_data["revision"]).first()
        if revision is None:
            raise ValidationError({"revision": ["That revision does not belong to this event."]})
        event = services.event_revert(event=event, revision=revision, user=request.user,
                                      via=VIA, reason=form.validated_data.get("reason", ""))
        return Response(self._fresh(event))

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Every change to the event, newest first: who, when, why, before and after."""
        event = self.get_object()
        revisions: list[Revision] = list(services.revisions_for(event))
        return Response(RevisionSerializer(revisions, many=True,
                                           context=self.get_serializer_context()).data)
