"""Routes of the watch API, mounted at /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ChangesView, WatchViewSet

router = SimpleRouter()
router.register("watches", WatchViewSet, basename="watch")

urlpatterns = [
    path("changes/", ChangesView.as_view(), name="changes"),
    *router.urls,
]
