from django.db import migrations


class Migration(migrations.Migration):
    """Joins the migrations of the typology, hardening, control log and gazetteer work."""

    dependencies = [
        ("events", "0010_event_typology"),
        ("events", "0010_hardening"),
        ("events", "0010_control_truth"),
        ("events", "0010_place_sources"),
        ("events", "0010_article_language_confidence"),
    ]

    operations = []
