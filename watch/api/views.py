"""The watch API: a user's watches and deliveries, and the changes feed for mirrors."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Watch
from .serializers import (
    ChangesPageSerializer,
    ChangesQuerySerializer,
    DeliverySerializer,
    WatchSerializer,
)


@extend_schema(tags=["watches"])
class WatchViewSet(viewsets.ModelViewSet):
    """Your watches: alerts on control changes and verified events in an area, a country,
    at a place or by an actor, by webhook, e-mail digest or Atom feed."""

    serializer_class = WatchSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["active"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Watch.objects.none()
        return selectors.watches_of(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.watch_create(owner=self.request.user,
                                                    values=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.watch_update(watch=serializer.instance,
                                                    changes=serializer.validated_data)

    def perform_destroy(self, instance):
        services.watch_delete(watch=instance)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The watch's delivery log: each matched change, its status, attempts, last error."""
        rows = selectors.deliveries_of(watch=self.get_object())
        return Response(DeliverySerializer(rows, many=True).data)


@extend_schema(tags=["changes"])
class ChangesView(APIView):
    """The changes feed, for services that keep a copy of the knowledge base.

    Events created, updated, verified, merged (``merged_into`` names the surviving event),
    rejected and deleted; control-log rows; places and actors; in commit order. Start with
    ``since=0``, apply each change to your copy (``deleted``: remove the object, otherwise
    store ``data`` under (kind, object_id)), then ask again with ``since=next_since``.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("since", int, description="The last change id you applied "
                                                       "(0 to start)."),
            OpenApiParameter("limit", int, description="At most this many changes (1-1000)."),
            OpenApiParameter("kind", str, many=True, enum=["event", "control", "place", "actor"],
                             description="Only these kinds (all by default)."),
        ],
        responses=ChangesPageSerializer,
        examples=[OpenApiExample("A page", response_only=True, value={
            "results": [{"id": 41, "kind": "event", "object_id": 7, "action": "merged",
                         "merged_into": 5, "at": "2026-01-02T10:00:00Z",
                         "data": {"id": 7, "review_status": "merged"}}],
            "next_since": 41, "has_more": False})],
    )
    def get(self, request):
        query = ChangesQuerySerializer(data={
            "since": request.query_params.get("since", 0),
            "limit": request.query_params.get("limit", 500),
            **({"kind": kinds} if (kinds := [k for value in request.query_params.getlist("kind")
                                             for k in value.split(",") if k]) else {}),
        })
        query.is_valid(raise_exception=True)
        args = query.validated_data
        limit = args["limit"]
        rows = selectors.changes_since(since=args["since"], limit=limit + 1,
                                       kinds=sorted(args.get("kind") or []))
        has_more = len(rows) > limit
        rows = rows[:limit]
        return Response(ChangesPageSerializer({
            "results": rows, "next_since": rows[-1]["id"] if rows else args["since"],
            "has_more": has_more}).data)
