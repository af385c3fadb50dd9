"""Actors (armed forces, groups, states, bodies) and who backs whom."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from events.choices import ActorKind

from .base import NamedWithAliasesModel, TimeStampedModel


class Actor(NamedWithAliasesModel):
    """A party to the conflict, known by its canonical name and the aliases news uses.

    ``acled_names`` are the ACLED actor names this actor corresponds to, so imports
    and exports line up with ACLED data. Actors proposed by the pipeline start as
    candidates (``is_candidate``) until an editor accepts them.
    """

    name = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=ActorKind.choices, default=ActorKind.OTHER,
                            db_index=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="units",
                               help_text="The larger force this actor is a unit of.")
    acled_names = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, blank=True,
                             help_text="Colour on the control map, as #rrggbb.")
    is_candidate = models.BooleanField(default=False, db_index=True,
                                       help_text="Proposed by the pipeline, not yet accepted.")

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_names"], name="actor_search_names_gin"),
            GinIndex(fields=["acled_names"], name="actor_acled_names_gin"),
        ]


class ActorSupport(TimeStampedModel):
    """A dated "backed by" link: ``supporter`` backs ``supported`` between two dates."""

    supporter = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="supports")
    supported = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="backers")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["supported__name", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "supported", "start_date"],
                                    name="actor_support_unique",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=~Q(supporter=models.F("supported")),
                                   name="actor_support_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} backs {self.supported}"
