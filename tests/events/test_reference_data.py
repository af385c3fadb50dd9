"""Tests that run a live server or real workers must not wipe the gazetteer for the others."""

import pytest
from django.contrib.gis.geos import Point

from events.models import Actor, Place


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_adds_rows(analyst):
    Place.objects.create(name="Scratch town", point=Point(1, 1))
    Actor.objects.create(name="Scratch actor", slug="scratch-actor")
    assert Place.objects.filter(geonames_id=164816).exists()


@pytest.mark.django_db(transaction=True)
def test_after_it_the_reference_data_is_there_and_its_rows_are_gone():
    assert Place.objects.filter(geonames_id=164816, admin1_name="Idlib").exists()
    assert Actor.objects.filter(name="Syrian government forces").exists()
    assert not Place.objects.filter(name="Scratch town").exists()
    assert not Actor.objects.filter(slug="scratch-actor").exists()
