"""Figures: totals over a period ("170,000 have fled since November"), not events."""

from django.db import models

from events.choices import FigureKind


class Figure(models.Model):
    """A cumulative count an article gives for a period, with the sentence it came from.

    Not an incident: shown on place and article pages and in the API, never on the event
    map nor in the control log. The pipeline writes them; re-extracting an article replaces
    its figures.
    """

    kind = models.CharField(max_length=10, choices=FigureKind.choices)
    count = models.PositiveBigIntegerField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True, db_index=True,
                                  help_text="The date the total is told for.")
    place = models.ForeignKey("events.Place", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="figures")
    actors = models.ManyToManyField("events.Actor", blank=True, related_name="figures")
    article = models.ForeignKey("events.Article", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="figures")
    sentence = models.TextField()
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["kind", "period_end"], name="figure_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(period_start__isnull=True) | models.Q(period_end__isnull=True)
                           | models.Q(period_end__gte=models.F("period_start"))),
                name="figure_period_order"),
        ]

    def __str__(self) -> str:
        where = f" in {self.place.name}" if self.place_id and self.place else ""
        return f"{self.count:,} {self.get_kind_display().lower()}{where}"
