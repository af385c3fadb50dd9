"""URLs of the analyst and editor pages."""

from django.urls import path

from events import views
from events.views import indexes, places_edit, registry_edit, review

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("search/", views.search, name="search"),
    path("map/", views.control_map, name="control_map"),
    path("map/control.json", views.control_data, name="control_data"),
    path("lookup/<slug:kind>.json", indexes.lookup, name="lookup"),
    path("places/", indexes.place_list, name="place_list"),
    path("actors/", indexes.actor_list, name="actor_list"),
    path("accords/", indexes.accord_list, name="accord_list"),
    path("articles/", indexes.article_list, name="article_list"),
    path("map/changes.json", views.control_changes, name="control_changes"),
    path("map/areas.json", views.control_areas, name="control_areas"),
    path("map/admin1.json", views.admin1_boundaries, name="admin1_boundaries"),
    path("places/lookup.json", views.place_lookup, name="place_lookup"),
    path("places/new/", places_edit.place_add, name="place_add"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/card/", views.place_card, name="place_card"),
    path("places/<int:pk>/control/review/", views.place_control_review,
         name="place_control_review"),
    # The fixed paths come before the slugs they would otherwise be taken for.
    path("actors/new/", registry_edit.actor_create, name="actor_create"),
    path("actors/candidates/", registry_edit.actor_candidates, name="actor_candidates"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("actors/<slug:slug>/edit/", registry_edit.actor_edit, name="actor_edit"),
    path("actors/<slug:slug>/accept/", registry_edit.actor_accept, name="actor_accept"),
    path("accords/new/", registry_edit.accord_create, name="accord_create"),
    path("accords/<slug:slug>/", views.accord_detail, name="accord_detail"),
    path("accords/<slug:slug>/edit/", registry_edit.accord_edit, name="accord_edit"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/revert/<int:revision_id>/", views.event_revert, name="event_revert"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/submit/", views.article_submit, name="article_submit"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("feeds/", views.feed_list, name="feed_list"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk/", review.review_bulk, name="review_bulk"),
    path("review/<int:pk>/", views.event_review, name="event_review"),
]
