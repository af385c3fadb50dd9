"""Editors pick places among same-named villages by their admin areas and sources, and add
a place no gazetteer has; the pipeline's next article finds it."""

import pytest
from django.urls import reverse

from events.models import Place, Revision
from ingest import extraction

pytestmark = pytest.mark.django_db

SARAQIB = 164816


def test_the_place_picker_shows_admin_areas_and_sources(client, editor):
    Place.objects.filter(geonames_id=SARAQIB).update(pcode="C9901", admin2_name="Idleb")
    client.force_login(editor)
    rows = client.get(reverse("place_lookup"), {"q": "Saraqeb"}).json()["results"]
    saraqib = next(r for r in rows if r["geonames_id"] == SARAQIB)
    assert saraqib["admin_areas"] == ["Idleb", "Idlib"]
    assert saraqib["sources"] == [f"GeoNames {SARAQIB}", "OCHA C9901"]


def test_the_place_page_lists_its_sources(client, analyst):
    place = Place.objects.get(geonames_id=SARAQIB)
    Place.objects.filter(pk=place.pk).update(osm_id="node/1001")
    client.force_login(analyst)
    page = client.get(reverse("place_detail", args=[place.pk])).content.decode()
    assert f"GeoNames <code>{SARAQIB}</code>" in page
    assert "OpenStreetMap <code>node/1001</code>" in page


def _add(client, **values):
    data = {"name": "Khirbet Tajriba", "kind": "populated_place", "lat": "35.83",
            "lon": "36.79", "country_code": "sy", "admin_area": "Idleb",
            "aliases": "Khirbat Tajribah\nخربة تجربة", "reason": "missing village"}
    return client.post(reverse("place_add"), {**data, **values})


def test_an_editor_adds_a_missing_place_in_an_admin_area(client, editor):
    client.force_login(editor)
    response = _add(client)

    place = Place.objects.named("خربة تجربة").get()
    assert response.status_code == 302 and response["Location"].endswith(f"/places/{place.pk}/")
    assert (place.country_code, place.admin1_name, place.parent.name) == ("SY", "Idlib", "Idlib")
    assert Revision.objects.filter(object_id=place.pk, reason="missing village").exists()
    page = client.get(reverse("place_detail", args=[place.pk])).content.decode()
    assert "added by an editor" in page


def test_a_place_in_an_unknown_admin_area_or_off_the_map_is_refused(client, editor):
    client.force_login(editor)
    response = _add(client, admin_area="Atlantis")
    assert response.status_code == 400
    assert "No admin area called" in response.content.decode()
    response = _add(client, lat="123")
    assert response.status_code == 400
    assert not Place.objects.named("Khirbet Tajriba").exists()


def test_analysts_cannot_add_places(client, analyst):
    client.force_login(analyst)
    assert _add(client).status_code == 403


def test_the_next_extraction_finds_a_place_an_editor_added(client, editor):
    extraction.reset_extractor()
    extractor = extraction.get_extractor()
    text = "Regime forces captured Khirbet Tajriba in the Idlib countryside on 2 June 2021."
    assert "Khirbet Tajriba" not in {p.name for p in extractor.extract(text).places}

    client.force_login(editor)
    _add(client)

    places = extraction.get_extractor().extract(text).places
    found = [p for p in places if p.name == "Khirbet Tajriba"]
    assert found and (round(found[0].lat, 2), round(found[0].lon, 2)) == (35.83, 36.79)
    extraction.reset_extractor()
