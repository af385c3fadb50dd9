"""Accords: ceasefires, de-escalation agreements, memoranda, peace agreements."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex

from events.choices import AccordKind

from .base import NamedWithAliasesModel


class Accord(NamedWithAliasesModel):
    """An agreement between parties, with its dates and the places or zones it covers."""

    name = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AccordKind.choices, default=AccordKind.OTHER)
    signed_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    parties = models.ManyToManyField("events.Actor", blank=True, related_name="accords")
    guarantors = models.ManyToManyField("events.Actor", blank=True,
                                        related_name="guaranteed_accords")
    places = models.ManyToManyField("events.Place", blank=True, related_name="accords")
    zone = models.MultiPolygonField(srid=4326, null=True, blank=True)
    description = models.TextField(blank=True)
    is_candidate = models.BooleanField(default=False, db_index=True,
                                       help_text="Proposed by the pipeline, not yet accepted.")

    class Meta:
        ordering = ["signed_date", "name"]
        indexes = [GinIndex(fields=["search_names"], name="accord_search_names_gin")]
