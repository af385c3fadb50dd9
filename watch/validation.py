"""Checks of what a user asks to watch: the area and the webhook URL.

Errors are ``ValidationError``s keyed by the field, so the API answers 400 naming it
and the pages show it beside the field.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError

from ingest.fetch import FetchError, check_url

MAX_AREA_VERTICES = 2000
MAX_AREA_SQ_DEGREES = 2500.0  # about 50 x 50 degrees: a region, not the world


def parse_bbox(raw: str, *, field: str = "bbox") -> MultiPolygon:
    """``min_lon,min_lat,max_lon,max_lat`` as a polygon, or a ValidationError on ``field``."""
    parts = [p.strip() for p in str(raw).split(",")]
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValidationError({field: "Give four numbers: min_lon,min_lat,max_lon,max_lat."}) \
            from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationError({field: "Longitudes must be within -180..180 and latitudes "
                                      "within -90..90, each minimum below its maximum."})
    return _checked(MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326),
                    field)


def parse_polygon(raw, *, field: str = "polygon") -> MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon (text or dict) in lon/lat."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    try:
        geometry = GEOSGeometry(text, srid=4326)
    except (GEOSException, ValueError, TypeError):
        raise ValidationError({field: "Not a GeoJSON Polygon or MultiPolygon."}) from None
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=4326)
    if not isinstance(geometry, MultiPolygon):
        raise ValidationError({field: f"Expected a Polygon or MultiPolygon, "
                                      f"got a {geometry.geom_type}."})
    if geometry.num_coords > MAX_AREA_VERTICES:
        raise ValidationError({field: f"The polygon has {geometry.num_coords} points; "
                                      f"at most {MAX_AREA_VERTICES} are allowed."})
    west, south, east, north = geometry.extent
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError({field: "Coordinates must be longitude, latitude in degrees."})
    if not geometry.valid:
        raise ValidationError({field: f"The polygon is not valid ({geometry.valid_reason})."})
    return _checked(geometry, field)


def _checked(area: MultiPolygon, field: str) -> MultiPolygon:
    if area.area > MAX_AREA_SQ_DEGREES:
        raise ValidationError({field: f"The area covers {area.area:.0f} square degrees; at "
                                      f"most {MAX_AREA_SQ_DEGREES:.0f} are allowed (watch a "
                                      "country instead)."})
    return area


def check_webhook_url(url: str, *, field: str = "webhook_url") -> str:
    """Refuse webhook URLs that are not https (outside tests), point at private or
    loopback addresses (as article URLs are refused), or cannot be reached."""
    parts = urlsplit(url)
    if settings.WATCH_WEBHOOK_HTTPS_ONLY and parts.scheme != "https":
        raise ValidationError({field: "Webhooks must use https."})
    try:
        host, port = check_url(url)
    except FetchError as exc:
        raise ValidationError({field: str(exc).replace("fetch", "call")}) from None
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        raise ValidationError({field: f"{host}:{port} cannot be reached ({exc})."}) from None
    return url
