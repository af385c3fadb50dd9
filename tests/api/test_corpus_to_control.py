"""Issue 4's acceptance: after ingesting the real Saraqib article, the control endpoint shows it.

The article is read from ../shared/corpus (never copied into the project) and goes through
the same ingest command users run, with the whole pipeline: cleaning, NLP, saving.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saraqib-2020.txt"


@pytest.mark.django_db
def test_saraqib_held_by_the_government_after_ingesting_the_article(client):
    call_command("ingest_file", str(CORPUS), "--published", "2020-02-06", "--sync",
                 stdout=StringIO(), stderr=StringIO())
    before = client.get("/api/v1/control/",
                        {"date": "2020-02-01", "bbox": "36.5,35.6,37.1,36.1"}).json()
    after = client.get("/api/v1/control/",
                       {"date": "2020-02-10", "bbox": "36.5,35.6,37.1,36.1"}).json()

    held = {f["properties"]["geonames_id"]: f["properties"] for f in after["features"]}
    assert held[164816]["actor"]["name"] == "Syrian government forces"
    assert held[164816]["name"] == "Saraqib"
    # Before the capture the article tells of an encirclement, not of a holder.
    earlier = {f["properties"]["geonames_id"]: f["properties"] for f in before["features"]}
    assert earlier.get(164816, {}).get("actor") is None
