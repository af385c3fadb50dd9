"""Pages and ACLED's typology: sub-types shown and corrected, background events apart,
figures on place and article pages (issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse

from events import services
from events.choices import ActorRole, EventType
from events.models import Event, Figure

pytestmark = pytest.mark.django_db


def test_sub_types_are_shown_and_editors_correct_them(client, editor, saraqib):
    client.force_login(editor)
    page = client.get(reverse("event_list")).content.decode()
    assert "Government regains territory" in page and "Armed clash" in page
    siege = saraqib["siege"]
    detail = client.get(reverse("event_detail", args=[siege.pk])).content.decode()
    assert "Battles · Armed clash" in detail
    review = client.get(reverse("event_review", args=[siege.pk])).content.decode()
    assert '<optgroup label="Explosions/Remote violence">' in review
    data = {"action": "correct", "type": siege.type, "sub_event_type": "chemical_weapon",
            "date": siege.date.isoformat(), "date_precision": siege.date_precision,
            "place": siege.place_id, "location_precision": siege.location_precision,
            "actor_0": saraqib["sgf"].pk, "role_0": ActorRole.INITIATOR, "reason": "gas"}
    response = client.post(reverse("event_review", args=[siege.pk]), data)
    assert response.status_code == 302
    siege.refresh_from_db()
    # The kind follows the sub-type the editor chose, and both are locked.
    assert (siege.type, siege.sub_event_type) == (EventType.EXPLOSION, "chemical_weapon")
    assert {"type", "sub_event_type"} <= set(siege.locked_fields)


def test_background_events_are_apart_with_a_badge(client, analyst, saraqib):
    client.force_login(analyst)
    old = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2012, 8, 1),
                "place": saraqib["place"], "background": True, "summary": "Rebels took it."},
        actors=[(saraqib["rebels"], ActorRole.GAINS_CONTROL)])
    listed = client.get(reverse("event_list")).content.decode()
    assert f'href="/events/{old.pk}/"' not in listed
    asked = client.get(reverse("event_list"), {"background": "true"}).content.decode()
    assert f'href="/events/{old.pk}/"' in asked and 'class="badge background"' in asked
    place = client.get(reverse("place_detail", args=[saraqib["place"].pk])).content.decode()
    assert 'id="background-events"' in place
    assert place.index('id="background-events"') < place.index(f'href="/events/{old.pk}/"')
    bad = client.get(reverse("event_list"), {"background": "perhaps"})
    assert "perhaps is not one of the available choices" in bad.content.decode()


def test_figures_show_on_place_and_article_pages(client, analyst, saraqib):
    client.force_login(analyst)
    Figure.objects.create(kind="displaced", count=170_000, place=saraqib["place"],
                          article=saraqib["article"], period_start=dt.date(2019, 12, 1),
                          period_end=dt.date(2020, 2, 6),
                          sentence="About 170 thousand civilians fled the area.")
    for url in (reverse("place_detail", args=[saraqib["place"].pk]),
                reverse("article_detail", args=[saraqib["article"].pk])):
        page = client.get(url).content.decode()
        figures = page[page.index('id="figures"'):]
        assert "170000" in figures and "Displaced" in figures
        assert "2019-12-01 – 2020-02-06" in figures
    # Not an event: the event list does not show it.
    assert not Event.objects.filter(summary__contains="170 thousand").exists()
