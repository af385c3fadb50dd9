"""Routes of the watch app: its API under /api/v1/ and its pages under /watches/."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("api/v1/", include(("watch.api.urls", "watch-api"))),
    path("watches/", views.watch_list, name="watch_list"),
    path("watches/<int:pk>/", views.watch_detail, name="watch_detail"),
    path("watches/<int:pk>/toggle/", views.watch_toggle, name="watch_toggle"),
    path("watches/<int:pk>/delete/", views.watch_remove, name="watch_delete"),
    path("watches/<int:pk>/feed/<str:token>/", views.watch_feed, name="watch_feed"),
]
