"""The admin: every model reachable, searches that know any spelling, no CDN, and history."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from events import services
from events.choices import ActorRole, EventType, RevisionVia
from events.models import (
    ActorSupport,
    ControlFlip,
    EventAccord,
    IngestJob,
    Mention,
    Place,
    Revision,
)
from tests.factories import (
    AccordFactory,
    ActorFactory,
    ArticleFactory,
    FeedFactory,
    PlaceFactory,
    SourceFactory,
)

SARAQIB = 164816


@pytest.fixture
def client_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def world(db):
    """One row of every model, made the way the product makes them."""
    saraqib = Place.objects.get(geonames_id=SARAQIB)
    army, rebels = ActorFactory(), ActorFactory()
    accord = AccordFactory()
    accord.places.add(saraqib)
    article = ArticleFactory(feed=FeedFactory())
    event = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 6),
                "place": saraqib, "confidence": 0.8},
        actors=[(army, ActorRole.GAINS_CONTROL), (rebels, ActorRole.LOSES_CONTROL)],
        accords=[(accord, "violates")], via=RevisionVia.PIPELINE, origin="pipeline",
    )
    evidence = event.evidence.create(article=article, sentence="Army forces took Saraqib.",
                                     start=0, end=25)
    return {
        "place": saraqib,
        "actor": army,
        "actorsupport": ActorSupport.objects.create(supporter=rebels, supported=army),
        "accord": accord,
        "source": article.source,
        "feed": article.feed,
        "article": article,
        "mention": Mention.objects.create(article=article, kind="place", start=12, end=19,
                                          text="Saraqib", place=saraqib),
        "ingestjob": IngestJob.objects.create(kind="url", url="https://news.example.org/a"),
        "event": event,
        "eventactor": event.event_actors.first(),
        "eventaccord": EventAccord.objects.get(event=event),
        "evidence": evidence,
        "controlflip": ControlFlip.objects.exclude(inferred="loser").get(event=event),
        "revision": Revision.objects.filter(object_id=event.pk).first(),
    }


MODELS = ["place", "actor", "actorsupport", "accord", "source", "feed", "article", "mention",
          "ingestjob", "event", "eventactor", "eventaccord", "evidence", "controlflip",
          "revision"]


@pytest.mark.parametrize("model", MODELS)
def test_an_admin_opens_the_list_and_the_form_of_every_model(client_admin, world, model):
    obj = world[model]
    changelist = client_admin.get(reverse(f"admin:events_{model}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    change = client_admin.get(reverse(f"admin:events_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert change.context["original"] == obj


@pytest.mark.parametrize("query", ["سراقب", "Sarāqib", "Saraqib", str(SARAQIB)])
def test_searching_places_in_the_admin_finds_saraqib_by_any_spelling(client_admin, query):
    response = client_admin.get(reverse("admin:events_place_changelist"), {"q": query})
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert SARAQIB in [p.geonames_id for p in found]
    assert reverse("admin:events_place_change", args=[found[0].pk]) in response.content.decode()


def test_the_place_picker_autocomplete_finds_a_town_by_its_arabic_name(client_admin):
    response = client_admin.get(reverse("admin:autocomplete"), {
        "term": "سراقب", "app_label": "events", "model_name": "event", "field_name": "place"})
    assert response.status_code == 200
    assert "Saraqib" in [r["text"].split(",")[0] for r in response.json()["results"]]


@pytest.mark.parametrize("query", ["SAA", "regime", "Military Forces of Syria"])
def test_searching_actors_finds_them_by_alias_or_acled_name(client_admin, query):
    response = client_admin.get(reverse("admin:events_actor_changelist"), {"q": query})
    names = [a.name for a in response.context["cl"].result_list]
    assert "Syrian government forces" in names


EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']((?:https?:)?//[^"']*)""",
                      re.IGNORECASE)


@pytest.mark.parametrize("model", ["place", "accord", "event"])
def test_admin_pages_with_maps_load_nothing_from_another_site(client_admin, world, model):
    html = client_admin.get(reverse(f"admin:events_{model}_change",
                                    args=[world[model].pk])).content.decode()
    assert EXTERNAL.findall(html) == []
    if model != "event":
        assert "leaflet/leaflet.js" in html  # the map widget, served by the site itself
        assert "tile.openstreetmap.org" not in html


def test_an_admin_edit_of_an_event_is_recorded_locked_and_moves_the_control_log(
        client_admin, world, admin_user):
    event = world["event"]
    idlib = Place.objects.get(geonames_id=169389)
    gainer, loser = event.event_actors.order_by("role")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = {
        "type": event.type, "date": "2020-02-07", "date_precision": "day", "end_date": "",
        "place": idlib.pk, "location_precision": "exact", "location_text": "",
        "fatalities": "", "displaced": "", "summary": "Moved by an admin", "confidence": "0.8",
        "review_status": "extracted", "reject_reason": "", "merged_into": "",
        "locked_fields": "",
        "event_actors-TOTAL_FORMS": "2", "event_actors-INITIAL_FORMS": "2",
        "event_actors-0-id": gainer.pk, "event_actors-0-event": event.pk,
        "event_actors-0-actor": gainer.actor_id, "event_actors-0-role": gainer.role,
        "event_actors-1-id": loser.pk, "event_actors-1-event": event.pk,
        "event_actors-1-actor": loser.actor_id, "event_actors-1-role": loser.role,
        "event_accords-TOTAL_FORMS": "1", "event_accords-INITIAL_FORMS": "1",
        "event_accords-0-id": world["eventaccord"].pk, "event_accords-0-event": event.pk,
        "event_accords-0-accord": world["accord"].pk, "event_accords-0-relation": "violates",
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "1",
        "evidence-0-id": world["evidence"].pk, "evidence-0-event": event.pk,
        "evidence-0-article": world["article"].pk,
        "evidence-0-sentence": "Army forces took Saraqib.",
        "evidence-0-start": "0", "evidence-0-end": "25", "evidence-0-source_label": "",
        "evidence-0-extractor_version": "", "evidence-0-confidence": "0.5",
    }
    # The admin leaves the locked fields as they were; the edit itself locks what it changed.
    data["locked_fields"] = ",".join(event.locked_fields)

    response = client_admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.place == idlib and event.date == dt.date(2020, 2, 7)
    revision = services.revisions_for(event).first()
    assert (revision.via, revision.user) == (RevisionVia.ADMIN, admin_user)
    assert revision.before["place_id"] == world["place"].pk
    assert revision.after["place_id"] == idlib.pk
    assert {"place", "date", "summary"} <= set(event.locked_fields)
    flip = ControlFlip.objects.exclude(inferred="loser").get(event=event)
    assert (flip.place, flip.date) == (idlib, dt.date(2020, 2, 7))


def test_an_admin_edit_of_an_actor_leaves_a_revision(client_admin, admin_user):
    actor = ActorFactory(aliases=["Old name"])
    url = reverse("admin:events_actor_change", args=[actor.pk])
    response = client_admin.post(url, {
        "name": actor.name, "slug": actor.slug, "kind": actor.kind, "country_code": "SY",
        "parent": "", "aliases": "Old name,New name", "acled_names": "", "description": "",
        "color": "", "backers-TOTAL_FORMS": "0", "backers-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    revision = services.revisions_for(actor).get()
    assert (revision.via, revision.user, revision.changed_fields()) == (
        RevisionVia.ADMIN, admin_user, ["aliases"])


def test_the_history_cannot_be_edited_in_the_admin(client_admin, world):
    revision = world["revision"]
    assert client_admin.get(reverse("admin:events_revision_add")).status_code == 403
    client_admin.post(reverse("admin:events_revision_change", args=[revision.pk]),
                      {"reason": "rewritten"})
    revision.refresh_from_db()
    assert revision.reason != "rewritten"


def test_factories_make_rows_the_admin_lists(client_admin):
    place, source = PlaceFactory(name="Qzx Factoryville"), SourceFactory(name="Factory News")
    assert client_admin.get(reverse("admin:events_place_changelist"),
                            {"q": "qzx factoryville"}).context["cl"].result_list[0] == place
    assert client_admin.get(reverse("admin:events_source_changelist"),
                            {"q": "Factory"}).context["cl"].result_list[0] == source
