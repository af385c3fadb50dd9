"""The contested flips' index holds their end date: "is a contest open on D" from the index."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY, the new index before the old one goes: the control log
    # stays writable and its readers always have an index.
    atomic = False

    dependencies = [
        ("events", "0004_gazetteer_load"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="controlflip",
            index=models.Index(
                condition=models.Q(("state", "contested")),
                fields=["place", "date"],
                include=("end_date",),
                name="flip_contested_place_end",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="controlflip",
            name="flip_contested_place_date",
        ),
    ]
