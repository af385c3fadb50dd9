"""URLs of the analyst and editor pages."""

from django.urls import path

from events import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
]
