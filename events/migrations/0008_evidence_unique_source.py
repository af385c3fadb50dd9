"""Evidence without an article is unique per source, so merged ACLED imports keep each
their note: before, a merge left the second note on the merged event, where nobody sees it.
Notes stranded that way by earlier merges move to the event they were merged into."""

from django.db import migrations, models


def move_stranded_notes(apps, schema_editor):
    Evidence = apps.get_model("events", "Evidence")
    Event = apps.get_model("events", "Event")
    stranded = Evidence.objects.filter(article__isnull=True, event__merged_into__isnull=False)
    for evidence in stranded.select_related("event"):
        survivor, seen = evidence.event, set()
        while survivor.merged_into_id and survivor.pk not in seen:
            seen.add(survivor.pk)
            survivor = Event.objects.get(pk=survivor.merged_into_id)
        if not Evidence.objects.filter(event=survivor, article__isnull=True,
                                       start=evidence.start, end=evidence.end,
                                       source_label=evidence.source_label).exists():
            evidence.event = survivor
            evidence.save(update_fields=["event"])


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0007_week_date_precision"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evidence", name="evidence_unique_span"),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                fields=("event", "article", "start", "end", "source_label"),
                name="evidence_unique_span", nulls_distinct=False),
        ),
        migrations.RunPython(move_stranded_notes, migrations.RunPython.noop),
    ]
