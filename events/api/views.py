"""Places, actors, accords, articles, ingestion jobs and control over time (events: event_views)."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from rest_framework_gis.filters import InBBoxFilter

from events import exports, selectors
from events.filtersets import (
    AccordFilterSet,
    ActorFilterSet,
    ArticleFilterSet,
    ControlQueryForm,
    FigureFilterSet,
    PlaceFilterSet,
    parse_bbox,
)
from events.models import (
    Accord,
    Actor,
    ActorSupport,
    Article,
    Figure,
    IngestJob,
    Mention,
    Place,
)

from .base import (
    CSVRenderer,
    ExportFormatMixin,
    GeoJSONRenderer,
    cached_json_response,
)
from .export_limits import limited_export
from .pagination import KBCursorPagination, PlaceGeoJsonPagination
from .renderers import JSONRenderer
from .serializers import (
    AccordSerializer,
    ActorSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ArticleSubmitSerializer,
    ControlCollectionSerializer,
    ControlTimelineSerializer,
    FigureSerializer,
    IngestJobSerializer,
    PlaceDetailSerializer,
    PlaceGeoSerializer,
    PlaceSerializer,
    control_feature,
    control_period,
)

LIST_RENDERERS = [JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]


class IdPagination(KBCursorPagination):
    ordering = "id"


class NewestFirstPagination(KBCursorPagination):
    ordering = "-id"


class StrictInBBoxFilter(InBBoxFilter):
    """DRF-gis' bounding-box filter on ``bbox``, with our validation and messages."""

    bbox_param = "bbox"

    def get_filter_bbox(self, request):
        raw = request.query_params.get(self.bbox_param)
        if not raw:
            return None
        from django import forms

        try:
            return parse_bbox(raw)
        except forms.ValidationError as exc:
            raise ValidationError({self.bbox_param: exc.messages}) from None


class CSVExportMixin(ExportFormatMixin):
    """``?format=csv`` streams the whole filtered list with ``csv_columns``."""

    csv_columns: list = []
    csv_filename = "export.csv"

    def list(self, request, *args, **kwargs):
        if self.export_format() == "csv":
            queryset = self.filter_queryset(self.get_queryset())
            return limited_export(request, queryset, lambda qs: exports.csv_response(
                qs, self.csv_columns, self.csv_filename))
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["places"])
class PlaceViewSet(CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    """Gazetteer places; ``q`` finds a place by any of its names, in any script.

    ``?format=geojson`` streams the filtered places as GeoJSON; ``/places/geojson/`` serves
    them page by page as GeoJSON features.
    """

    queryset = Place.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlaceFilterSet
    pagination_class = IdPagination
    renderer_classes = [*LIST_RENDERERS, GeoJSONRenderer]
    csv_columns = exports.PLACE_COLUMNS
    csv_filename = "places.csv"

    def get_queryset(self):
        if self.action == "control":
            # The timeline shows none of these, and a city's alternate names run long.
            return Place.objects.defer("aliases", "search_names", "area")
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "geojson":
            return PlaceGeoSerializer
        return PlaceDetailSerializer if self.action == "retrieve" else PlaceSerializer

    def list(self, request, *args, **kwargs):
        if self.export_format() == "geojson":
            queryset = self.filter_queryset(self.get_queryset())
            return limited_export(request, queryset, lambda qs: exports.geojson_response(
                qs, lambda p: exports.point_geometry(p.point),
                lambda p: {n: g(p) for n, g in exports.PLACE_COLUMNS
                           if n not in ("latitude", "longitude")},
                "places.geojson"))
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=PlaceGeoSerializer(many=True),
                   parameters=[OpenApiParameter("bbox", str,
                                                description="minLon,minLat,maxLon,maxLat")])
    @action(detail=False, methods=["get"], pagination_class=PlaceGeoJsonPagination,
            filter_backends=[DjangoFilterBackend, StrictInBBoxFilter],
            renderer_classes=[JSONRenderer, GeoJSONRenderer])
    def geojson(self, request):
        """Places as a GeoJSON FeatureCollection, page by page (``page``, ``page_size``)."""
        return super().list(request)

    def filter_queryset(self, queryset):
        if self.action == "geojson":
            # InBBoxFilter reads these view attributes: places whose point is in the box.
            self.bbox_filter_field = "point"
            self.bbox_filter_include_overlapping = True
        return super().filter_queryset(queryset)

    @extend_schema(responses={200: ControlTimelineSerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def control(self, request, pk=None):
        """The place's whole control timeline: holders' periods with their contested spans."""
        def timeline() -> dict:
            place = self.get_object()
            periods = selectors.place_control_timeline(place=place)
            return {"place": PlaceSerializer(place).data,
                    "periods": [control_period(p) for p in periods]}

        # A hit means the place exists: deleting it changes the cache's version.
        return cached_json_response(request, "timeline", (str(pk),), timeline)


@extend_schema(tags=["actors"])
class ActorViewSet(CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    """Actors, found by any alias (``q``), with their backers over time."""

    serializer_class = ActorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActorFilterSet
    pagination_class = IdPagination
    renderer_classes = LIST_RENDERERS
    csv_columns = exports.ACTOR_COLUMNS
    csv_filename = "actors.csv"

    def get_queryset(self):
        return Actor.objects.select_related("parent").prefetch_related(
            Prefetch("backers", queryset=ActorSupport.objects.select_related("supporter")
                     .order_by("start_date", "id")),
            Prefetch("supports", queryset=ActorSupport.objects.select_related("supported")
                     .order_by("start_date", "id")),
        )


@extend_schema(tags=["accords"])
class AccordViewSet(CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    """Accords with their parties, guarantors and covered places."""

    serializer_class = AccordSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AccordFilterSet
    pagination_class = IdPagination
    renderer_classes = LIST_RENDERERS
    csv_columns = exports.ACCORD_COLUMNS
    csv_filename = "accords.csv"

    def get_queryset(self):
        return Accord.objects.prefetch_related("parties", "guarantors", "places")


@extend_schema(tags=["articles"])
class ArticleViewSet(CSVExportMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Articles with their status; the detail adds the text and the entities found in it.

    POST a ``url``, or a ``text`` with ``title`` and ``published``, to submit an article for
    ingestion (editors): the answer is 202 with the job to poll.
    """

    filter_backends = [DjangoFilterBackend]
    filterset_class = ArticleFilterSet
    pagination_class = NewestFirstPagination
    renderer_classes = LIST_RENDERERS
    csv_columns = exports.ARTICLE_COLUMNS
    csv_filename = "articles.csv"

    def get_queryset(self):
        queryset = Article.objects.select_related("source").defer("text", "search_vector",
                                                                  "simhash_bands")
        if self.action == "retrieve":
            queryset = Article.objects.select_related("source").prefetch_related(
                Prefetch("mentions", queryset=Mention.objects.select_related(
                    "place", "actor", "accord").order_by("start", "id")),
                "evidence",
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return ArticleSubmitSerializer
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    @extend_schema(request=ArticleSubmitSerializer, responses={202: IngestJobSerializer})
    def create(self, request, *args, **kwargs):
        from events.services.articles import article_submit_text, article_submit_url

        form = ArticleSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if data.get("url"):
            job = article_submit_url(url=data["url"], user=request.user)
        else:
            job = article_submit_text(text=data["text"], title=data["title"],
                                      published=data["published"],
                                      source_name=data["source_name"], user=request.user)
        body = IngestJobSerializer(job, context={"request": request}).data
        poll = reverse("api:job-detail", args=[job.pk], request=request)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": poll})


@extend_schema(tags=["figures"])
class FigureViewSet(viewsets.ReadOnlyModelViewSet):
    """Figures: totals over a period that articles give ("1,800 civilians have died since
    the memorandum"), with the place, actors and sentence. Not events: never on the map nor
    in the control log."""

    serializer_class = FigureSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FigureFilterSet
    pagination_class = NewestFirstPagination
    renderer_classes = [JSONRenderer, renderers.BrowsableAPIRenderer]

    def get_queryset(self):
        return Figure.objects.select_related("place", "article").prefetch_related("actors")


@extend_schema(tags=["articles"])
class IngestJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An ingestion job: its status, message and, once done, the article."""

    queryset = IngestJob.objects.all()
    serializer_class = IngestJobSerializer
    filter_backends: list = []


@extend_schema(
    tags=["control"],
    parameters=[
        OpenApiParameter("date", OpenApiTypes.DATE, required=True),
        OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat"),
        OpenApiParameter("actor", str, description="Actor id or slug"),
        OpenApiParameter("country", str, description="ISO 3166 country code"),
        OpenApiParameter("admin1", str, description="Admin-1 area name"),
        OpenApiParameter("verified_only", bool,
                         description="Only answers an editor verified (true/false)"),
        OpenApiParameter("min_sources", int,
                         description="Only answers with at least this many independent "
                                     "sources (1 or more)"),
    ],
    responses={200: OpenApiResponse(ControlCollectionSerializer,
                                    description="A GeoJSON FeatureCollection of places")},
)
class ControlView(APIView):
    """Who controlled each place on a date: a GeoJSON FeatureCollection of places.

    Each feature says the actor in control (null if unknown), whether the place was
    contested, since when, and the event that established it.
    """

    renderer_classes = [JSONRenderer, GeoJSONRenderer, renderers.BrowsableAPIRenderer]

    def get(self, request):
        form = ControlQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: [e["message"] for e in errors]
                                   for name, errors in form.errors.get_json_data().items()})
        data = form.cleaned_data

        def answer() -> dict:
            rows = selectors.place_control_rows_at(
                date=data["date"], places=form.places(), actor=data["actor"],
                verified_only=data["verified_only"], min_sources=data["min_sources"])
            return {"type": "FeatureCollection", "date": data["date"].isoformat(),
                    "features": [control_feature(row) for row in rows]}

        params = (data["date"].isoformat(), data["bbox"].extent if data["bbox"] else None,
                  data["actor"].pk if data["actor"] else None, data["country"].upper(),
                  data["admin1"], data["verified_only"], data["min_sources"])
        return cached_json_response(request, "control", params, answer)
