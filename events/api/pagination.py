"""Cursor pagination whose errors are 400s naming the parameter."""

import binascii
from base64 import b64decode
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework_gis.pagination import GeoJsonPagination

INVALID_CURSOR = "Invalid cursor: use the next or previous link of an earlier page."


class KBCursorPagination(CursorPagination):
    """Cursor pages (stable under inserts, no COUNT); a tampered cursor is a 400, not a 404."""

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 500
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def _invalid(self):
        return ValidationError({self.cursor_query_param: [INVALID_CURSOR]})

    def decode_cursor(self, request):
        # DRF's decoding forgives junk (a cursor that is not base64, a position of the wrong
        # type that would fail in the database): check it all here, answer 400 on any fault.
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            raw = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse_qs(raw, keep_blank_values=True, strict_parsing=True)
        except (ValueError, binascii.Error):
            raise self._invalid() from None
        if not tokens or set(tokens) - {"o", "r", "p"}:
            raise self._invalid()
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._invalid() from None
        if cursor.position is not None:
            name = self.ordering[0].lstrip("-")
            try:
                self._model._meta.get_field(name).to_python(cursor.position)
            except (DjangoValidationError, ValueError, TypeError):
                raise self._invalid() from None
        return cursor

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if not 1 <= size <= self.max_page_size:
                raise ValidationError({self.page_size_query_param: [
                    f"Expected a whole number from 1 to {self.max_page_size}, got {raw!r}."]})
            return size
        return self.page_size


class PlaceGeoJsonPagination(GeoJsonPagination):
    """GeoJSON pages by number; a page that does not exist is a 400 naming ``page``."""

    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise ValidationError({self.page_query_param: [str(exc.detail)]}) from None

    @staticmethod
    def _features_schema(schema):
        # drf-spectacular hands the FeatureCollection's component ("...List"); its
        # features are the items' component.
        ref = schema.get("$ref", "")
        if ref.endswith("List"):
            return {"type": "array", "items": {"$ref": ref[: -len("List")]}}
        return schema.get("properties", {}).get("features", {"type": "array"})

    def get_paginated_response_schema(self, schema):
        # DRF-gis documents a "results" key; the page's features are under "features".
        return {
            "type": "object",
            "required": ["type", "count", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "count": {"type": "integer"},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "features": self._features_schema(schema),
            },
        }
