"""Places from the gazetteers (GeoNames, OCHA, OpenStreetMap) or added by editors."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q

from events.choices import PlaceKind

from .base import NamedWithAliasesModel, TimeStampedModel


class Place(NamedWithAliasesModel):
    """A town, village, administrative area or country.

    One place, many sources: the same village from GeoNames, OCHA and OpenStreetMap is one
    row carrying each source's id (GeoNames id, P-code, OSM id) and every source's names in
    ``aliases``; re-loading a source updates its places in place, by those ids.
    """

    geonames_id = models.BigIntegerField(unique=True, null=True, blank=True)
    # Database defaults: the bulk loaders' INSERTs name only the columns their source has.
    pcode = models.CharField("P-code", max_length=40, blank=True, db_default="",
                             help_text="OCHA's place code (Common Operational Datasets)")
    osm_id = models.CharField("OSM id", max_length=40, blank=True, db_default="",
                              help_text='OpenStreetMap element, e.g. "node/260714409"')
    ascii_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices,
                            default=PlaceKind.POPULATED_PLACE, db_index=True)
    feature_class = models.CharField(max_length=1, blank=True)
    feature_code = models.CharField(max_length=10, blank=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    admin1_code = models.CharField(max_length=20, blank=True)
    admin1_name = models.CharField(max_length=200, blank=True, db_index=True)
    admin2_name = models.CharField("district", max_length=200, blank=True, db_default="")
    admin3_name = models.CharField("sub-district", max_length=200, blank=True, db_default="")
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
        constraints = [
            models.UniqueConstraint(fields=["pcode"], condition=~Q(pcode=""),
                                    name="place_pcode_unique"),
            models.UniqueConstraint(fields=["osm_id"], condition=~Q(osm_id=""),
                                    name="place_osm_id_unique"),
        ]

    def __str__(self) -> str:
        parts = [self.name]
        if self.admin1_name and self.admin1_name != self.name:
            parts.append(self.admin1_name)
        if self.country_code:
            parts.append(self.country_code)
        return ", ".join(parts)

    @property
    def sources(self) -> list[tuple[str, str]]:
        """(source, id) of every gazetteer this place came from; an editor's own otherwise."""
        out = []
        if self.geonames_id:
            out.append(("GeoNames", str(self.geonames_id)))
        if self.pcode:
            out.append(("OCHA", self.pcode))
        if self.osm_id:
            out.append(("OpenStreetMap", self.osm_id))
        return out

    @property
    def admin_areas(self) -> list[str]:
        """Its admin areas, smallest first (sub-district, district, admin-1)."""
        return [a for a in dict.fromkeys((self.admin3_name, self.admin2_name, self.admin1_name))
                if a and a != self.name]

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

    source = models.CharField(max_length=300, help_text="cities500, or the file's name")
    checksum = models.CharField(max_length=64, blank=True, db_default="",
                                help_text="SHA-256 of the file (an unchanged one is skipped)")
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
