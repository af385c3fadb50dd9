"""The actor and accord registry: the shipped seed data, and re-loads that respect editors."""

import datetime as dt
import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.choices import ActorKind, RevisionAction, RevisionVia
from events.models import Accord, Actor, ActorSupport, Revision
from events.selectors import actor_search
from events.services import revisions_for

SYRIAN_ARMY_ACLED = "Military Forces of Syria (2000-)"


@pytest.mark.parametrize("name", ["Assad regime", "regime forces", "Syrian Arab Army", "SAA",
                                  "Damascus regime"])
def test_news_names_of_the_syrian_army_lead_to_one_actor(db, name):
    [actor] = actor_search(query=name)
    assert actor.name == "Syrian government forces"
    assert SYRIAN_ARMY_ACLED in actor.acled_names
    assert actor.kind == ActorKind.STATE_FORCES


@pytest.mark.parametrize("name", ["HTS", "Hezbollah", "SDF", "QSD", "YPG", "ISIS",
                                  "National Front for Liberation", "Syrian National Army",
                                  "Russian forces", "Turkish forces", "US-led coalition"])
def test_the_main_actors_of_the_syrian_war_are_known_with_an_acled_name(db, name):
    # "ISIS" may name the group in several countries as the registry grows beyond Syria.
    actors = list(actor_search(query=name))
    assert actors, name
    assert all(a.acled_names for a in actors)


def test_russia_backs_the_syrian_army_from_september_2015(db):
    link = ActorSupport.objects.get(supporter__name="Russian armed forces",
                                    supported__name="Syrian government forces")
    assert link.start_date == dt.date(2015, 9, 30)


def test_astana_and_sochi_accords_with_their_dates(db):
    astana = Accord.objects.get(search_names__contains=["astana memorandum"])
    assert astana.signed_date == dt.date(2017, 5, 4)
    sochi = Accord.objects.get(search_names__contains=["sochi agreement"])
    assert sochi.signed_date == dt.date(2018, 9, 17)
    assert {a.name for a in sochi.guarantors.all()} >= {"Russian armed forces",
                                                         "Turkish armed forces"}
    assert 164816 in {p.geonames_id for p in sochi.places.all()}


def test_loading_the_shipped_registry_again_changes_nothing(db):
    revisions, actors = Revision.objects.count(), Actor.objects.count()
    out = StringIO()
    call_command("load_registry", stdout=out)
    assert "actors: 0 created, 0 updated" in out.getvalue()
    assert Revision.objects.count() == revisions
    assert Actor.objects.count() == actors


def _write(tmp_path, text, name="test.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


FRONT = """\
    conflict: Test war
    actors:
      - name: Test Patron State
        kind: foreign_state
        country: TR
        acled: ["Military Forces of Testland (2000-)"]
      - name: Test Liberation Front
        kind: rebel_group
        country: SY
        acled: ["TLF: Test Liberation Front"]
        aliases: ["TLF", "Test Front"]
        backed_by:
          - {actor: Test Patron State, start: 2019-01-01}
    accords:
      - name: Test Valley ceasefire
        kind: ceasefire
        signed: 2020-03-05
        aliases: ["Valley truce"]
        parties: [Test Liberation Front]
        guarantors: [Test Patron State]
        places: [164816]
    """


def _load(*paths):
    out, err = StringIO(), StringIO()
    call_command("load_registry", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_registry_file_creates_actors_links_and_accords_with_revisions(db, tmp_path):
    out, _ = _load(_write(tmp_path, FRONT))

    front = Actor.objects.get(name="Test Liberation Front")
    assert front.slug == "test-liberation-front"
    assert [a.name for a in actor_search(query="tlf")] == ["Test Liberation Front"]
    assert front.backers.get().supporter.name == "Test Patron State"
    truce = Accord.objects.get(search_names__contains=["valley truce"])
    assert truce.signed_date == dt.date(2020, 3, 5)
    assert [p.geonames_id for p in truce.places.all()] == [164816]
    assert list(truce.parties.all()) == [front]
    revision = revisions_for(front).get()
    assert (revision.action, revision.via) == (RevisionAction.CREATE, RevisionVia.COMMAND)
    assert "actors: 2 created" in out


def test_reloading_keeps_editors_changes_and_adds_what_the_file_gained(db, tmp_path, editor):
    path = _write(tmp_path, FRONT)
    _load(path)
    front = Actor.objects.get(name="Test Liberation Front")
    # An editor corrects the country, adds an alias and an ACLED name.
    front.country_code = "IQ"
    front.aliases = [*front.aliases, "Liberation Front of the Valley"]
    front.acled_names = [*front.acled_names, "TLF (editor)"]
    front.save()
    # The file later gains an alias, an ACLED name and an end to the backing.
    path.write_text(FRONT.replace('["TLF", "Test Front"]', '["TLF", "Test Front", "TLF fighters"]')
                    .replace('"TLF: Test Liberation Front"]',
                             '"TLF: Test Liberation Front", "TLF (2019-)"]')
                    .replace("start: 2019-01-01}", "start: 2019-01-01, end: 2021-06-30}"),
                    encoding="utf-8")

    out, _ = _load(path)

    front.refresh_from_db()
    assert front.country_code == "IQ"
    assert front.aliases == ["TLF", "Test Front", "Liberation Front of the Valley",
                             "TLF fighters"]
    assert front.acled_names == ["TLF: Test Liberation Front", "TLF (editor)", "TLF (2019-)"]
    assert front.backers.get().end_date == dt.date(2021, 6, 30)
    latest = revisions_for(front).first()
    assert latest.via == RevisionVia.COMMAND and latest.action == RevisionAction.UPDATE
    assert latest.changed_fields() == ["acled_names", "aliases"]
    assert "actors: 0 created, 1 updated" in out


def test_an_accord_date_an_editor_corrected_survives_a_reload(db, tmp_path):
    path = _write(tmp_path, FRONT)
    _load(path)
    truce = Accord.objects.get(name="Test Valley ceasefire")
    truce.signed_date = dt.date(2020, 3, 6)
    truce.save()
    _load(path)
    truce.refresh_from_db()
    assert truce.signed_date == dt.date(2020, 3, 6)


def test_slugs_stay_unique_when_names_slugify_alike(db, tmp_path):
    _load(_write(tmp_path, """\
        actors:
          - name: Valley Brigade
            kind: militia
          - name: Valley-Brigade!
            kind: militia
        """))
    slugs = sorted(Actor.objects.filter(name__startswith="Valley").values_list("slug", flat=True))
    assert slugs == ["valley-brigade", "valley-brigade-2"]


def test_an_unknown_place_id_is_a_warning_not_a_failure(db, tmp_path):
    _, err = _load(_write(tmp_path, FRONT.replace("places: [164816]", "places: [164816, 1]")))
    assert "GeoNames ids not in the gazetteer" in err and "[1]" in err
    assert Accord.objects.get(name="Test Valley ceasefire").places.count() == 1


@pytest.mark.parametrize("text, message", [
    ("actors:\n  - name: Bad Kind Army\n    kind: army\n",
     r"bad\.yaml: actor 'Bad Kind Army'.*kind"),
    ("actors:\n  - {name: Orphan Unit, kind: militia, parent: Nobody}\n",
     r"Orphan Unit.*unknown actor 'Nobody'"),
    ("actors:\n  - name: [unclosed\n", r"bad\.yaml.*not valid YAML"),
    ("actors:\n  - kind: militia\n", r"bad\.yaml: actor #1"),
    ("accords:\n  - {name: Bad Date Truce, signed: 5 March}\n",
     r"bad\.yaml: accord #1 \(Bad Date Truce\).*not a date"),
])
def test_a_bad_file_is_refused_with_its_name_and_entry_and_nothing_loads(db, tmp_path, text,
                                                                         message):
    good = _write(tmp_path, FRONT, name="good.yaml")
    bad = _write(tmp_path, text, name="bad.yaml")
    with pytest.raises(CommandError, match=message):
        _load(good, bad)
    assert not Actor.objects.filter(name="Test Liberation Front").exists()


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="nope.yaml: no such file"):
        _load(tmp_path / "nope.yaml")
