"""Routes of the REST API, mounted at /api/v1/ under the ``api`` namespace."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .event_views import EventViewSet
from .views import (
    AccordViewSet,
    ActorViewSet,
    ArticleViewSet,
    ControlView,
    FigureViewSet,
    IngestJobViewSet,
    PlaceViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("events", EventViewSet, basename="event")
router.register("places", PlaceViewSet, basename="place")
router.register("actors", ActorViewSet, basename="actor")
router.register("accords", AccordViewSet, basename="accord")
router.register("articles", ArticleViewSet, basename="article")
router.register("jobs", IngestJobViewSet, basename="job")
router.register("figures", FigureViewSet, basename="figure")

urlpatterns = [
    path("control/", ControlView.as_view(), name="control"),
    *router.urls,
]
