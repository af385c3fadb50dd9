"""Abstract bases shared by the knowledge base's models."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from ingest.nlp.normalize import normalize_name


class TimeStampedModel(models.Model):
    """Adds creation and modification times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def name_lookup(value: str) -> Q | None:
    """The condition "known by ``value`` in any spelling", or None when it has no letters."""
    key = normalize_name(value)
    return Q(search_names__contains=[key]) if key else None


class NamedQuerySet(models.QuerySet):
    def named(self, value: str):
        """Rows known by ``value`` (any alias, spelling or script); none for an empty name."""
        condition = name_lookup(value)
        return self.filter(condition) if condition is not None else self.none()


class NamedWithAliasesModel(TimeStampedModel):
    """A thing known by several names; ``search_names`` holds their normalised forms.

    ``search_names`` is derived on save, so look-ups by any spelling are one indexed
    ``search_names__contains=[key]`` away.
    """

    name = models.CharField(max_length=300)
    aliases = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    search_names = ArrayField(models.CharField(max_length=300), default=list, blank=True,
                              editable=False)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_names" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_names"]
        super().save(*args, **kwargs)

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def refresh_search_names(self) -> None:
        keys = []
        for name in self.all_names():
            key = normalize_name(name)
            if key and key not in keys:
                keys.append(key)
        self.search_names = keys
