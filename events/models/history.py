"""The edit history: one revision per change to an editable object."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from events.choices import RevisionAction, RevisionVia


class Revision(models.Model):
    """Who changed what, when, why, with the object's state before and after.

    Pipeline writes have no user and carry the pipeline's version instead.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     db_index=False)  # leads revision_object
    object_id = models.BigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=RevisionAction.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="revisions")
    via = models.CharField(max_length=10, choices=RevisionVia.choices)
    pipeline_version = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"],
                         name="revision_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def author(self) -> str:
        if self.user_id:
            return self.user.get_username()
        if self.pipeline_version:
            return f"pipeline {self.pipeline_version}"
        return self.get_via_display()

    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
