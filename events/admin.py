"""The Django admin for every model of the knowledge base.

Edits made here follow the same rules as the pages: each one leaves a revision (via
"admin", with the user), and event edits lock the corrected fields against
re-extraction and keep the control log in step. Geometry is edited on Leaflet maps
served by the site itself (django-leaflet); tiles only come from ``MAP_TILE_URL``.
"""

from django.contrib import admin
from django.db import models
from django.db.models import F, Func, Q, TextField, Value
from leaflet.admin import LeafletGeoAdmin

from events.choices import EventOrigin, RevisionAction, RevisionVia
from events.models import (
    EDITABLE_EVENT_FIELDS,
    Accord,
    Actor,
    ActorSupport,
    Article,
    ControlFlip,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    Feed,
    Figure,
    IngestJob,
    Mention,
    Place,
    Revision,
    Source,
)
from events.models.base import name_lookup
from events.services import control_log_sync, revision_record, snapshot

# Django 6 makes https the default scheme of typed-in URLs; news sites are https already.
_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}

# Inline formsets that stand for an event's editable relations (see EDITABLE_EVENT_FIELDS).
_INLINE_FIELDS = {EventActor: "actors", EventAccord: "accords"}


def _names_match(model, term: str, *array_fields: str) -> Q:
    """Rows known by ``term``: its look-up key, or a substring of any alias-like array."""
    match = name_lookup(term) or Q()
    for field in array_fields:
        text = Func(F(field), Value(" | "), function="array_to_string", output_field=TextField())
        match |= Q(pk__in=model.objects.alias(_names=text).filter(_names__icontains=term)
                   .values("pk"))
    return match


class NameSearchMixin:
    """Admin search that also finds any spelling or script a row is known by."""

    alias_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset,
                                                                  search_term)
        term = search_term.strip()
        if term:
            match = _names_match(self.model, term, *self.alias_search_fields)
            if term.isdigit() and hasattr(self.model, "geonames_id"):
                match |= Q(geonames_id=int(term))
            if match:
                results = results | queryset.filter(match)
        return results, may_have_duplicates


class RevisionAdminMixin:
    """Record a revision (via admin, with the user) for every add, change and delete."""

    formfield_overrides = _URL_FIELDS

    def save_model(self, request, obj, form, change):
        # The state before the form touched the object, read fresh from the database.
        obj._revision_before = (snapshot(type(obj)._default_manager.get(pk=obj.pk))
                                if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values are saved here, so the "after" state is taken last.
        super().save_related(request, form, formsets, change)
        self._record(request, form.instance, change)

    def _record(self, request, obj, change):
        before = getattr(obj, "_revision_before", None)
        after = snapshot(obj)
        if change and before == after:
            return
        revision_record(instance=obj, action=RevisionAction.UPDATE if change
                        else RevisionAction.CREATE, via=RevisionVia.ADMIN, user=request.user,
                        before=before, after=after)

    def delete_model(self, request, obj):
        before = snapshot(obj)
        revision_record(instance=obj, action=RevisionAction.DELETE, via=RevisionVia.ADMIN,
                        user=request.user, before=before, after={})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            revision_record(instance=obj, action=RevisionAction.DELETE, via=RevisionVia.ADMIN,
                            user=request.user, before=snapshot(obj), after={})
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived or historical rows: viewable, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Places, actors, accords ------------------------------------------------------------

@admin.register(Place)
class PlaceAdmin(RevisionAdminMixin, NameSearchMixin, LeafletGeoAdmin):
    list_display = ("name", "kind", "admin1_name", "country_code", "population", "geonames_id")
    list_filter = ("kind", "feature_class", "country_code")
    search_fields = ("name",)
    # 240,000 rows: the population index orders pages, and counting every row is skipped.
    ordering = ("-population", "pk")
    show_full_result_count = False
    autocomplete_fields = ("parent",)
    readonly_fields = ("search_names", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "ascii_name", "aliases", "search_names", "kind",
                           "geonames_id", "feature_class", "feature_code")}),
        ("Where", {"fields": ("country_code", "admin1_code", "admin1_name", "parent",
                              "population", "point", "area")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )


class ActorSupportInline(admin.TabularInline):
    model = ActorSupport
    fk_name = "supported"
    autocomplete_fields = ("supporter",)
    fields = ("supporter", "start_date", "end_date", "note")
    extra = 0
    verbose_name = "backer"
    verbose_name_plural = "backed by"


@admin.register(Actor)
class ActorAdmin(RevisionAdminMixin, NameSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "country_code", "acled", "parent", "is_candidate")
    list_filter = ("kind", "is_candidate", "country_code")
    list_select_related = ("parent",)
    search_fields = ("name", "description")
    alias_search_fields = ("aliases", "acled_names")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    readonly_fields = ("search_names", "created_at", "updated_at")
    inlines = (ActorSupportInline,)

    @admin.display(description="ACLED names")
    def acled(self, obj):
        return "; ".join(obj.acled_names)


@admin.register(ActorSupport)
class ActorSupportAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("supporter", "supported", "start_date", "end_date")
    list_select_related = ("supporter", "supported")
    list_filter = ("supporter",)
    search_fields = ("supporter__name", "supported__name", "note")
    autocomplete_fields = ("supporter", "supported")


@admin.register(Accord)
class AccordAdmin(RevisionAdminMixin, NameSearchMixin, LeafletGeoAdmin):
    list_display = ("name", "kind", "signed_date", "start_date", "end_date", "is_candidate")
    list_filter = ("kind", "is_candidate")
    search_fields = ("name", "description")
    alias_search_fields = ("aliases",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parties", "guarantors", "places")
    readonly_fields = ("search_names", "created_at", "updated_at")
    date_hierarchy = "signed_date"


# --- Events -----------------------------------------------------------------------------

class EventActorInline(admin.TabularInline):
    model = EventActor
    autocomplete_fields = ("actor",)
    extra = 0


class EventAccordInline(admin.TabularInline):
    model = EventAccord
    autocomplete_fields = ("accord",)
    extra = 0


class EvidenceInline(admin.StackedInline):
    model = Evidence
    raw_id_fields = ("article",)
    fields = ("article", "sentence", ("start", "end"), "source_label",
              ("extractor_version", "confidence"))
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Event edits keep the services' rules: revision, locked fields, control log."""

    list_display = ("__str__", "type", "sub_event_type", "date", "place", "review_status",
                    "background", "confidence", "origin")
    list_filter = ("type", "event_type", "sub_event_type", "background", "review_status",
                   "origin", "date_precision", "location_precision")
    list_select_related = ("place",)
    search_fields = ("summary", "location_text", "place__name", "acled_event_id")
    date_hierarchy = "date"
    autocomplete_fields = ("place",)
    raw_id_fields = ("merged_into",)
    # event_type follows the sub-type (typology_complete).
    readonly_fields = ("event_type", "origin", "extractor_version", "acled_event_id",
                       "created_at", "updated_at")
    inlines = (EventActorInline, EventAccordInline, EvidenceInline)

    def save_model(self, request, obj, form, change):
        obj._revision_before = snapshot(Event.objects.get(pk=obj.pk)) if change else None
        if not change:
            # Made by a person: every value is theirs, as with ``event_create``.
            obj.origin = EventOrigin.EDITOR
            obj.locked_fields = list(EDITABLE_EVENT_FIELDS)
        elif "locked_fields" not in form.changed_data:
            self._lock(obj, [f for f in form.changed_data if f in EDITABLE_EVENT_FIELDS])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event = form.instance
        if change and "locked_fields" not in form.changed_data:
            relations = [_INLINE_FIELDS[fs.model] for fs in formsets
                         if fs.model in _INLINE_FIELDS and fs.has_changed()]
            if self._lock(event, relations):
                event.save(update_fields=["locked_fields", "updated_at"])
        # Inline rows were written behind the object's back: drop any cached relations.
        event._prefetched_objects_cache = {}
        control_log_sync(event=event)
        before = event._revision_before
        after = snapshot(event)
        if not change or before != after:
            revision_record(instance=event, action=RevisionAction.UPDATE if change
                            else RevisionAction.CREATE, via=RevisionVia.ADMIN,
                            user=request.user, before=before, after=after)

    @staticmethod
    def _lock(event: Event, fields: list[str]) -> bool:
        """Protect corrected fields from re-extraction, as ``event_correct`` does."""
        new = [f for f in fields if f not in event.locked_fields]
        event.locked_fields = [*event.locked_fields, *new]
        return bool(new)

    def delete_model(self, request, obj):
        revision_record(instance=obj, action=RevisionAction.DELETE, via=RevisionVia.ADMIN,
                        user=request.user, before=snapshot(obj), after={})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            revision_record(instance=obj, action=RevisionAction.DELETE, via=RevisionVia.ADMIN,
                            user=request.user, before=snapshot(obj), after={})
        super().delete_queryset(request, queryset)


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """Totals over a period that articles give; the pipeline writes and replaces them."""

    list_display = ("__str__", "kind", "count", "period_start", "period_end", "place",
                    "article")
    list_filter = ("kind",)
    list_select_related = ("place", "article")
    search_fields = ("sentence", "place__name")
    raw_id_fields = ("place", "article", "actors")
    date_hierarchy = "period_end"


@admin.register(EventActor)
class EventActorAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("event", "actor", "role")
    list_filter = ("role",)
    list_select_related = ("event__place", "actor")
    search_fields = ("actor__name",)
    raw_id_fields = ("event",)
    autocomplete_fields = ("actor",)


@admin.register(EventAccord)
class EventAccordAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("event", "accord", "relation")
    list_filter = ("relation",)
    list_select_related = ("event__place", "accord")
    search_fields = ("accord__name",)
    raw_id_fields = ("event",)
    autocomplete_fields = ("accord",)


@admin.register(Evidence)
class EvidenceAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "event", "article", "extractor_version", "confidence")
    list_filter = ("extractor_version",)
    list_select_related = ("event__place", "article")
    search_fields = ("sentence", "source_label")
    raw_id_fields = ("event", "article")


@admin.register(ControlFlip)
class ControlFlipAdmin(ReadOnlyAdmin):
    """The control log is derived from events: fix the event, and the log follows."""

    list_display = ("place", "state", "actor", "date", "end_date", "inferred", "confidence",
                    "sources", "verified", "event")
    list_filter = ("state", "inferred", "verified", "actor")
    list_select_related = ("place", "actor", "event__place")
    search_fields = ("place__name", "actor__name")
    date_hierarchy = "date"


# --- Sources, feeds, articles, jobs -----------------------------------------------------

@admin.register(Source)
class SourceAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("name", "domain", "homepage")
    search_fields = ("name", "domain")


@admin.register(Feed)
class FeedAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "source", "is_active", "interval_minutes", "last_polled_at",
                    "last_status", "consecutive_errors")
    list_filter = ("is_active", "last_status", "source")
    list_select_related = ("source",)
    search_fields = ("url", "title")
    autocomplete_fields = ("source",)
    readonly_fields = ("etag", "last_modified", "last_polled_at", "next_poll_at",
                       "last_status", "last_error", "consecutive_errors", "entries_seen")


@admin.register(Article)
class ArticleAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "source", "published_at", "language", "status", "origin")
    list_filter = ("status", "origin", "language", "duplicate_kind", "source")
    list_select_related = ("source",)
    search_fields = ("title", "canonical_url", "url")
    date_hierarchy = "published_at"
    autocomplete_fields = ("source",)
    raw_id_fields = ("feed", "duplicate_of", "submitted_by")
    readonly_fields = ("content_hash", "simhash", "simhash_bands", "attempts", "claimed_at",
                       "processed_at", "pipeline_version", "created_at", "updated_at")


@admin.register(Mention)
class MentionAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ("text", "kind", "article", "start", "end")
    list_filter = ("kind",)
    list_select_related = ("article",)
    search_fields = ("text",)
    raw_id_fields = ("article", "place", "actor", "accord", "event")


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    """Jobs are written by the ingest services; the admin watches them and clears them."""

    formfield_overrides = _URL_FIELDS

    list_display = ("id", "kind", "status", "created_at", "finished_at", "article")
    list_filter = ("kind", "status")
    search_fields = ("url", "title", "message")
    raw_id_fields = ("article", "created_by")
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    """The edit history is append-only."""

    list_display = ("created_at", "object_repr", "content_type", "action", "via", "author",
                    "reason")
    list_filter = ("action", "via", "content_type")
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "reason", "user__username")
    date_hierarchy = "created_at"
