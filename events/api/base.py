"""The API's shared view machinery: strict ordering, export renderers and formats."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django import forms
from django.http import HttpResponse
from django.utils import translation
from rest_framework import filters, renderers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from events import caching

from .renderers import JSONRenderer


class StrictOrderingFilter(filters.OrderingFilter):
    """Like DRF's, but an unknown field is a 400 naming the allowed ones, not silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = self.get_valid_fields(queryset, view, {"request": request})
            names = {name for name, _ in valid}
            bad = [f for f in fields if f.lstrip("-") not in names]
            if bad or len(fields) > 1:
                allowed = ", ".join(sorted(names))
                raise ValidationError({self.ordering_param: [
                    f"Expected one of {allowed} (prefix - for descending), got {params!r}."]})
            return [fields[0], "-id" if fields[0].startswith("-") else "id"]
        return self.get_default_ordering(view)


class _FilterCopies(dict):
    """A filter set's ``base_filters``, copied for each filter set without their choices.

    django-filter deep-copies every filter for each filter set it makes, choices and all
    (lists of lazily translated labels): 0.15 ms of an events page's 17 filters. A filter
    keeps no state of a request but the filter set it belongs to (``parent``, ``model``,
    set again on the copy) and its ``method``, bound again here to the copy; the rest is
    read only, so each filter is copied with its ``extra`` dict and the values shared.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            copied = copy.copy(original)
            copied.extra = original.extra.copy()
            if original.method is not None:
                copied.method = original.method  # a FilterMethod calling the copy's parent
            copies[name] = copied
        return copies


class _FieldCopies(dict):
    """A form class's ``base_fields``, copied for each form with their choices shared.

    Django deep-copies every field for each form; a choice field copies its choices too
    (lists of lazily translated labels, ~0.1 ms for the events filters' three). Each field
    is still copied as Django's ``Field.__deepcopy__`` does (widget, error messages and
    validators of its own); only the choices, which nothing changes, are shared.
    """

    def __deepcopy__(self, memo):
        return {name: (forms.Field.__deepcopy__(field, memo)
                       if type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__
                       else copy.deepcopy(field, memo))
                for name, field in self.items()}


class OneFormClassMixin:
    """For a django-filter FilterSet: its form class made once, not on every request.

    django-filter makes a new form class, with a new form field for each filter, whenever a
    filter set validates (0.4 ms of an events page with 17 filters). The class is the same
    every time but for the labels' language, so one is kept per language; each form still
    copies its fields when it is made, so requests share nothing they could change (but
    the choices: ``_FieldCopies``), and each filter set its filters (``_FilterCopies``).
    """

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), _FilterCopies):
            cls.base_filters = _FilterCopies(cls.base_filters)
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        cls = type(self)
        forms_ = cls.__dict__.get("_form_classes")
        if forms_ is None:
            forms_ = {}
            cls._form_classes = forms_
        language = translation.get_language()
        if language not in forms_:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldCopies(form_class.base_fields)
            forms_[language] = form_class
        return forms_[language]


class CSVRenderer(renderers.BaseRenderer):
    """Selects a streamed CSV export (``?format=csv``); the view writes the rows itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class ACLEDCSVRenderer(CSVRenderer):
    format = "acled-csv"


class GeoJSONRenderer(renderers.BaseRenderer):
    """GeoJSON (``?format=geojson``): JSON under its own media type.

    Not a JSONRenderer subclass, so the schema's renderer whitelist leaves it out: the
    schema documents the JSON answers, the docs describe the export formats.
    """

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


EXPORT_FORMATS = ("csv", "acled-csv", "geojson")


class ExportFormatMixin:
    """Errors are answered as JSON even when a CSV or GeoJSON export was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "status_code", 200) >= 400 and hasattr(request, "accepted_renderer"):
            if isinstance(request.accepted_renderer, CSVRenderer | GeoJSONRenderer):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def export_format(self) -> str | None:
        renderer = getattr(self.request, "accepted_renderer", None)
        fmt = getattr(renderer, "format", None)
        return fmt if fmt in EXPORT_FORMATS else None


def cached_json_response(request, kind: str, params: tuple, build: Callable[[], dict]):
    """``build()``'s data as JSON, cached until the control log changes (events.caching).

    The bytes are those DRF's JSON renderer writes; the browsable API and other media types
    (``; indent=``) are rendered afresh, uncached.
    """
    renderer = request.accepted_renderer
    if (not isinstance(renderer, renderers.JSONRenderer | GeoJSONRenderer)
            or request.accepted_media_type != renderer.media_type):
        return Response(build())
    body = caching.cached_answer(kind, params,
                                 lambda: JSONRenderer().render(build()))
    return HttpResponse(body, content_type=renderer.media_type)
