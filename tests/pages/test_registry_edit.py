"""Editor pages for the registry: adding and editing actors (with backers) and accords,
accepting candidate actors, and keeping everyone else out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import selectors, services
from events.choices import RevisionAction
from events.models import Accord, Actor, ActorSupport, Place
from events.services import revisions_for
from tests.factories import AccordFactory, ActorFactory

from .data import SARAQIB_GEONAMES_ID, actor

pytestmark = pytest.mark.django_db

TAFTANAZ_GEONAMES_ID = 163799


def _actor_data(**fields) -> dict:
    data = {"name": "", "kind": "rebel_group", "country_code": "", "parent": "", "aliases": "",
            "acled_names": "", "description": "", "color": "", "reason": ""}
    data.update(fields)
    return data


def _accord_data(**fields) -> dict:
    data = {"name": "", "kind": "ceasefire", "signed_date": "", "start_date": "",
            "end_date": "", "aliases": "", "description": "", "places": "", "reason": ""}
    data.update(fields)
    return data


def _field_error(page: str, field: str) -> str:
    """The error text shown beside ``field`` (empty when there is none)."""
    marker = f'id="{field}-error">'
    if marker not in page:
        return ""
    start = page.index(marker) + len(marker)
    return page[start:page.index("</span>", start)]


@pytest.fixture
def some_actor(db):
    return ActorFactory(name="Free Idlib Brigade")


@pytest.fixture
def some_accord(db):
    return AccordFactory(name="Idlib test truce")


def _editor_urls(some_actor, some_accord):
    return [reverse("actor_create"), reverse("actor_candidates"),
            reverse("actor_edit", args=[some_actor.slug]),
            reverse("accord_create"), reverse("accord_edit", args=[some_accord.slug])]


def test_outsiders_and_analysts_cannot_reach_registry_pages(client, analyst, outsider,
                                                            some_actor, some_accord):
    urls = _editor_urls(some_actor, some_accord)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
        assert client.post(url, _actor_data(name="Sneaky")).status_code == 302
    for user in (outsider, analyst):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url, _actor_data(name="Sneaky")).status_code == 403, (user, url)
            assert client.post(url, _accord_data(name="Sneaky")).status_code == 403, (user, url)
    assert not Actor.objects.filter(name="Sneaky").exists()
    assert not Accord.objects.filter(name="Sneaky").exists()
    some_actor.refresh_from_db()
    assert some_actor.name == "Free Idlib Brigade"


def test_analyst_cannot_accept_a_candidate(client, analyst):
    candidate = ActorFactory(name="Unknown Battalion", is_candidate=True)
    assert client.post(reverse("actor_accept", args=[candidate.slug])).status_code == 302
    client.force_login(analyst)
    assert client.post(reverse("actor_accept", args=[candidate.slug])).status_code == 403
    candidate.refresh_from_db()
    assert candidate.is_candidate


def test_edit_links_show_for_editors_only(client, analyst, editor, some_actor, some_accord):
    client.force_login(analyst)
    page = client.get(reverse("actor_detail", args=[some_actor.slug])).content.decode()
    assert reverse("actor_edit", args=[some_actor.slug]) not in page
    client.force_login(editor)
    page = client.get(reverse("actor_detail", args=[some_actor.slug])).content.decode()
    assert reverse("actor_edit", args=[some_actor.slug]) in page
    page = client.get(reverse("accord_detail", args=[some_accord.slug])).content.decode()
    assert reverse("accord_edit", args=[some_accord.slug]) in page
    page = client.get(reverse("search")).content.decode()
    assert reverse("actor_create") in page and reverse("accord_create") in page


def test_editor_creates_an_actor_found_by_its_alias(client, editor):
    client.force_login(editor)
    page = client.get(reverse("actor_create")).content.decode()
    assert "csrfmiddlewaretoken" in page and 'name="backer_0"' in page
    response = client.post(reverse("actor_create"), _actor_data(
        name="Jaysh al-Izza", country_code="sy", color="#aa3300",
        aliases="Army of Glory\n\n  Jaish al-Izzah \nArmy of Glory",
        acled_names="Jaish al-Izza\nJaish al-Izza", reason="new group in Hama"))
    created = Actor.objects.get(name="Jaysh al-Izza")
    assert response.status_code == 302
    assert response["Location"] == reverse("actor_detail", args=[created.slug])
    assert created.aliases == ["Army of Glory", "Jaish al-Izzah"]
    assert created.acled_names == ["Jaish al-Izza"]
    assert created.country_code == "SY" and not created.is_candidate
    assert list(selectors.actor_search(query="army of glory")) == [created]
    page = client.get(response["Location"]).content.decode()
    assert "added" in page and "Army of Glory, Jaish al-Izzah" in page
    revision = revisions_for(created).get()
    assert revision.action == RevisionAction.CREATE
    assert revision.user == editor and revision.reason == "new group in Hama"
    assert revision.after["aliases"] == ["Army of Glory", "Jaish al-Izzah"]


def test_editor_edits_backers_and_the_actor_page_shows_them(client, editor, some_actor):
    russia, turkey = actor("russian-armed-forces"), actor("turkish-armed-forces")
    client.force_login(editor)
    url = reverse("actor_edit", args=[some_actor.slug])
    response = client.post(url, _actor_data(
        name=some_actor.name, country_code="SY", aliases="FIB",
        reason="backing reported by two outlets",
        backer_0=turkey.pk, backer_start_0="2018-01-01", backer_end_0="",
        backer_1=russia.pk, backer_start_1="2016-03-01", backer_end_1="2017-06-30"))
    assert response.status_code == 302
    page = client.get(reverse("actor_detail", args=[some_actor.slug])).content.decode()
    backed_by = page[page.index("<h2>Backed by</h2>"):page.index("<h2>Backs</h2>")]
    assert turkey.name in backed_by and "2018-01-01 – …" in backed_by
    assert russia.name in backed_by and "2016-03-01 – 2017-06-30" in backed_by
    links = ActorSupport.objects.filter(supported=some_actor)
    assert {(s.supporter, s.start_date) for s in links} == {
        (turkey, dt.date(2018, 1, 1)), (russia, dt.date(2016, 3, 1))}
    for link in links:
        revision = revisions_for(link).get()
        assert revision.user == editor and revision.reason == "backing reported by two outlets"
    actor_revision = revisions_for(some_actor).get()
    assert actor_revision.changed_fields() == ["aliases"] and actor_revision.user == editor

    # The form shows the links as rows; clearing Russia's row ends that link.
    form_page = client.get(url).content.decode()
    assert 'name="backer_4"' in form_page  # two links and three empty rows
    response = client.post(url, _actor_data(
        name=some_actor.name, country_code="SY", aliases="FIB",
        reason="Russian support was a misreport",
        backer_0=turkey.pk, backer_start_0="2018-01-01", backer_end_0="2020-03-05"))
    assert response.status_code == 302
    link = ActorSupport.objects.get(supported=some_actor)
    assert link.supporter == turkey and link.end_date == dt.date(2020, 3, 5)
    assert [r.action for r in revisions_for(link)] == [RevisionAction.UPDATE,
                                                      RevisionAction.CREATE]
    page = client.get(reverse("actor_detail", args=[some_actor.slug])).content.decode()
    assert russia.name not in page[page.index("<h2>Backed by</h2>"):page.index("<h2>Backs</h2>")]


def test_backer_rows_are_checked_beside_their_fields(client, editor, some_actor):
    turkey = actor("turkish-armed-forces")
    client.force_login(editor)
    response = client.post(reverse("actor_edit", args=[some_actor.slug]), _actor_data(
        name=some_actor.name, backer_0=turkey.pk, backer_start_0="2020-01-01",
        backer_end_0="2019-01-01", backer_1=some_actor.pk, backer_start_2="2019-01-01"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "before the start date" in _field_error(page, "backer_end_0")
    assert "valid choice" in _field_error(page, "backer_1")  # itself is not on the list
    assert "Choose the backer" in _field_error(page, "backer_2")
    assert not ActorSupport.objects.filter(supported=some_actor).exists()


def test_duplicate_name_shows_a_message_beside_the_field(client, editor, some_actor):
    client.force_login(editor)
    response = client.post(reverse("actor_create"),
                           _actor_data(name="SYRIAN GOVERNMENT FORCES", aliases="SAA"))
    assert response.status_code == 400
    assert "already exists" in _field_error(response.content.decode(), "name")
    response = client.post(reverse("actor_edit", args=[some_actor.slug]),
                           _actor_data(name="Hayat Tahrir al-Sham"))
    assert response.status_code == 400
    assert "already exists" in _field_error(response.content.decode(), "name")
    some_actor.refresh_from_db()
    assert some_actor.name == "Free Idlib Brigade"
    response = client.post(reverse("accord_create"),
                           _accord_data(name="Adana Agreement", kind="memorandum"))
    assert response.status_code == 400
    assert "already exists" in _field_error(response.content.decode(), "name")


def test_html_in_a_name_stays_text(client, editor):
    client.force_login(editor)
    response = client.post(reverse("actor_create"), _actor_data(
        name="<script>alert('x')</script> Brigade", aliases="<b>bold</b>"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Brigade" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_editor_creates_an_accord_with_parties_and_places(client, editor):
    sgf, hts = actor("syrian-government-forces"), actor("hayat-tahrir-al-sham")
    russia = actor("russian-armed-forces")
    client.force_login(editor)
    page = client.get(reverse("accord_create")).content.decode()
    assert 'name="parties"' in page and "multiple" in page
    response = client.post(reverse("accord_create"), _accord_data(
        name="Saraqib local truce", signed_date="2020-02-01", start_date="2020-02-02",
        aliases="Saraqib truce", parties=[sgf.pk, hts.pk], guarantors=[russia.pk],
        places=f"{SARAQIB_GEONAMES_ID} Saraqib\n{TAFTANAZ_GEONAMES_ID}",
        reason="announced by both sides"))
    accord = Accord.objects.get(name="Saraqib local truce")
    assert response.status_code == 302
    assert response["Location"] == reverse("accord_detail", args=[accord.slug])
    assert set(accord.parties.all()) == {sgf, hts} and list(accord.guarantors.all()) == [russia]
    assert {p.geonames_id for p in accord.places.all()} == {SARAQIB_GEONAMES_ID,
                                                            TAFTANAZ_GEONAMES_ID}
    page = client.get(response["Location"]).content.decode()
    parties = page[page.index("<dt>Parties</dt>"):page.index("<dt>Guarantors</dt>")]
    assert sgf.name in parties and hts.name in parties and russia.name not in parties
    assert "Saraqib truce" in page and "2020-02-02 – …" in page
    revision = revisions_for(accord).get()
    assert revision.user == editor and revision.reason == "announced by both sides"
    assert sorted(revision.after["parties"]) == sorted([sgf.pk, hts.pk])


def test_editor_edits_an_accord(client, editor, some_accord):
    sgf = actor("syrian-government-forces")
    saraqib = Place.objects.get(geonames_id=SARAQIB_GEONAMES_ID)
    some_accord.places.add(saraqib)
    client.force_login(editor)
    url = reverse("accord_edit", args=[some_accord.slug])
    form_page = client.get(url).content.decode()
    assert f"{SARAQIB_GEONAMES_ID} Saraqib" in form_page
    response = client.post(url, _accord_data(
        name=some_accord.name, start_date="2020-03-06", end_date="2020-03-01",
        places="999999999\nSaraqib"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "before the start date" in _field_error(page, "end_date")
    assert "Line 2" in _field_error(page, "places")
    response = client.post(url, _accord_data(
        name=some_accord.name, start_date="2020-03-06", end_date="2020-03-01",
        places="999999999"))
    assert "999999999" in _field_error(response.content.decode(), "places")

    response = client.post(url, _accord_data(
        name="Idlib test truce (renamed)", kind="ceasefire", signed_date="2020-03-05",
        start_date="2020-03-06", end_date="2020-04-01", parties=[sgf.pk],
        places=str(TAFTANAZ_GEONAMES_ID), reason="text of the agreement published"))
    assert response.status_code == 302
    slug = some_accord.slug
    some_accord.refresh_from_db()
    assert some_accord.slug == slug  # kept on renaming, so links to the page keep working
    assert response["Location"] == reverse("accord_detail", args=[slug])
    assert some_accord.name == "Idlib test truce (renamed)"
    assert [p.geonames_id for p in some_accord.places.all()] == [TAFTANAZ_GEONAMES_ID]
    revision = revisions_for(some_accord).get()
    assert revision.user == editor and revision.reason == "text of the agreement published"
    assert {"name", "end_date", "parties", "places"} <= set(revision.changed_fields())


def test_candidates_page_accepts_a_pipeline_actor(client, editor):
    candidate = ActorFactory(name="Liwa al-Test", is_candidate=True)
    ActorFactory(name="Accepted Brigade")
    client.force_login(editor)
    page = client.get(reverse("actor_candidates")).content.decode()
    assert "Liwa al-Test" in page and "Accepted Brigade" not in page
    assert reverse("actor_accept", args=[candidate.slug]) in page
    assert client.get(reverse("actor_accept", args=[candidate.slug])).status_code == 405
    response = client.post(reverse("actor_accept", args=[candidate.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("actor_candidates")
    candidate.refresh_from_db()
    assert not candidate.is_candidate
    revision = revisions_for(candidate).get()
    assert revision.user == editor and revision.changed_fields() == ["is_candidate"]
    page = client.get(reverse("actor_candidates")).content.decode()
    assert "Actor “Liwa al-Test” accepted." in page  # the message; the table is empty now
    assert reverse("actor_accept", args=[candidate.slug]) not in page


def test_services_reject_self_backing_and_parent_loops(editor):
    brigade = services.actor_create(values={"name": "Loop Brigade"}, user=editor)
    unit = services.actor_create(values={"name": "Loop Unit", "parent": brigade}, user=editor)
    with pytest.raises(ValidationError) as exc:
        services.actor_support_set(actor=brigade, backers=[(brigade, None, None)], user=editor)
    assert "backers" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.actor_update(actor=brigade, changes={"parent": unit}, user=editor)
    assert "parent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.accord_create(values={"name": "Bad dates", "start_date": dt.date(2020, 2, 1),
                                       "end_date": dt.date(2020, 1, 1)})
    assert "end_date" in exc.value.message_dict


def test_an_actor_named_like_a_page_gets_another_slug(client, editor):
    client.force_login(editor)
    response = client.post(reverse("actor_create"), _actor_data(name="New"))
    created = Actor.objects.get(name="New")
    assert created.slug not in ("new", "candidates")
    assert client.get(response["Location"]).status_code == 200
