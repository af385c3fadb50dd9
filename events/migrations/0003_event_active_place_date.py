"""An index for lists of active events by place and date (the API's events page)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: a large events table stays writable while it is built.
    atomic = False

    dependencies = [
        ("events", "0002_roles"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(
                condition=models.Q(("review_status__in", ["extracted", "verified"])),
                fields=["place", "date", "id"],
                name="event_active_place_date",
            ),
        ),
    ]
