"""The held flips' index holds the holder and the event: the control map's holder of each
place from the index alone."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY, the new index before the old one goes: the control log
    # stays writable and its readers always have an index.
    atomic = False

    dependencies = [
        ("events", "0008_evidence_unique_source"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="controlflip",
            index=models.Index(
                condition=models.Q(("state", "held")),
                fields=["place", "-date", "-confidence", "-id"],
                include=("actor", "event"),
                name="flip_held_place_holder",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="controlflip",
            name="flip_held_place_date",
        ),
    ]
