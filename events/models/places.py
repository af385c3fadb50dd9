"""Places from the GeoNames gazetteer (or added by editors)."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex

from events.choices import PlaceKind

from .base import NamedWithAliasesModel, TimeStampedModel


class Place(NamedWithAliasesModel):
    """A town, village, administrative area or country.

    ``aliases`` holds GeoNames' alternate names (other spellings and scripts);
    places loaded from GeoNames keep their id so that re-loading updates them in place.
    """

    geonames_id = models.BigIntegerField(unique=True, null=True, blank=True)
    ascii_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices,
                            default=PlaceKind.POPULATED_PLACE, db_index=True)
    feature_class = models.CharField(max_length=1, blank=True)
    feature_code = models.CharField(max_length=10, blank=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    admin1_code = models.CharField(max_length=20, blank=True)
    admin1_name = models.CharField(max_length=200, blank=True, db_index=True)
    population = models.BigIntegerField(default=0)
    point = models.PointField(srid=4326)
    area = models.MultiPolygonField(srid=4326, null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children")

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_names"], name="place_search_names_gin"),
            models.Index(fields=["country_code", "admin1_name"], name="place_country_admin1"),
            models.Index(fields=["-population"], name="place_population_desc"),
        ]

    def __str__(self) -> str:
        parts = [self.name]
        if self.admin1_name and self.admin1_name != self.name:
            parts.append(self.admin1_name)
        if self.country_code:
            parts.append(self.country_code)
        return ", ".join(parts)

    @property
    def lat(self) -> float:
        return self.point.y

    @property
    def lon(self) -> float:
        return self.point.x


class GazetteerLoad(TimeStampedModel):
    """One load of the gazetteer: what was read, by which version of the reader, and what
    it changed. ``load_gazetteer --if-outdated`` loads cities500 again when the reader
    that loaded it last is older than the product's (its places are then derived anew)."""

    source = models.CharField(max_length=300, help_text="cities500, or the dump's file name")
    reader_version = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.source} (reader {self.reader_version}) at {self.created_at:%Y-%m-%d %H:%M}"
