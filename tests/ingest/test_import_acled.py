"""``manage.py import_acled``: ACLED exports in, events mapped to our registry and gazetteer.

The rows below are invented for the tests in ACLED's column layout (ACLED's own rows may
not be redistributed).
"""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from events import services
from events.choices import (
    ActorKind,
    ActorRole,
    ControlState,
    DatePrecision,
    EventOrigin,
    EventType,
    LocationPrecision,
)
from events.models import Actor, ControlFlip, Event, Evidence

COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
           "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
           "assoc_actor_2", "inter2", "interaction", "iso", "region", "country", "admin1",
           "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
           "source_scale", "notes", "fatalities", "tags", "timestamp"]

SYRIA = "Military Forces of Syria (2000-)"
RUSSIA = "Military Forces of Russia (2000-)"
HTS = "HTS: Hayat Tahrir al Sham"


def row(event_id, date, event_type, sub_event_type, actor1, *, assoc1="", inter1="1",
        actor2="", inter2="", location="Saraqeb", lat="35.8650", lon="36.8050", geo="1",
        source="Testing Wire", notes="", fatalities="0", time_precision="1"):
    return {"event_id_cnty": event_id, "event_date": date, "year": "2020",
            "time_precision": time_precision,
            "disorder_type": "Political violence", "event_type": event_type,
            "sub_event_type": sub_event_type, "actor1": actor1, "assoc_actor_1": assoc1,
            "inter1": inter1, "actor2": actor2, "assoc_actor_2": "", "inter2": inter2,
            "interaction": "", "iso": "760", "region": "Middle East", "country": "Syria",
            "admin1": "Idleb", "admin2": "Idleb", "admin3": "Saraqab", "location": location,
            "latitude": lat, "longitude": lon, "geo_precision": geo, "source": source,
            "source_scale": "National", "notes": notes, "fatalities": fatalities, "tags": "",
            "timestamp": "1600000000"}


def good_rows(capture_fatalities="0", strike_fatalities="3"):
    return [
        # line 2
        row("KBT1001", "2020-02-06", "Battles", "Government regains territory", SYRIA,
            assoc1=RUSSIA, actor2=HTS, inter2="2", fatalities=capture_fatalities,
            notes="On 6 February 2020, regime troops backed by Russian aircraft entered the "
                  "town after the militants pulled out."),
        # lines 3-4: a note over two lines
        row("KBT1002", "04 February 2020", "Explosions/Remote violence", "Air/drone strike",
            RUSSIA, actor2="Civilians (Syria)", inter2="7", location="Saraqib", lat="35.8660",
            time_precision="2",
            lon="36.8100", fatalities=strike_fatalities,
            notes="Warplanes struck the market.\nTwo shops were destroyed."),
        # line 5
        row("KBT1003", "2020-02-03", "Explosions/Remote violence",
            "Shelling/artillery/missile attack", "Hill Valley Defenders", inter1="3",
            actor2=HTS, geo="2", notes="Shells fell near the town."),
        # line 6: out at sea, no gazetteer place
        row("KBT1004", "2020-02-02", "Protests", "Peaceful protest", "Protesters (Syria)",
            inter1="6", location="Offshore Test Point", lat="34.0", lon="30.0",
            notes="A gathering was reported."),
    ]


BAD_ROWS = [
    row("KBT1005", "31 Foo 2020", "Battles", "Armed clash", SYRIA),  # line 7
    row("KBT1006", "2020-02-06", "Battles", "Armed clash", SYRIA, lat="abc"),  # line 8
    row("", "2020-02-06", "Battles", "Armed clash", SYRIA),  # line 9
    row("KBT1008", "2020-02-06", "Battles", "Armed clash", SYRIA, fatalities="-2"),  # line 10
]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_acled", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def export(tmp_path):
    return write_csv(tmp_path / "acled.csv", good_rows() + BAD_ROWS)


def roles(event):
    return {(ea.actor.name, ea.role) for ea in event.event_actors.select_related("actor")}


def test_import_maps_types_actors_places_and_keeps_notes_as_evidence(db, export):
    out, err = run(export)

    assert "4 events created" in out and "4 bad rows skipped" in out
    capture = Event.objects.get(acled_event_id="KBT1001")
    assert capture.type == EventType.CONTROL_CHANGE and capture.origin == EventOrigin.IMPORT
    assert capture.date == dt.date(2020, 2, 6)
    # "Saraqeb" is not a gazetteer spelling: the nearest town within 10 km is.
    assert capture.place.geonames_id == 164816
    assert capture.location_precision == LocationPrecision.EXACT
    assert roles(capture) == {("Syrian government forces", ActorRole.GAINS_CONTROL),
                              ("Hayat Tahrir al-Sham", ActorRole.LOSES_CONTROL),
                              ("Russian armed forces", ActorRole.SUPPORTER)}
    flip = ControlFlip.objects.exclude(inferred="loser").get(event=capture)
    assert flip.state == ControlState.HELD and flip.actor.name == "Syrian government forces"
    evidence = Evidence.objects.get(event=capture)
    assert evidence.article is None and evidence.source_label == "ACLED KBT1001: Testing Wire"
    assert evidence.sentence.startswith("On 6 February 2020, regime troops")

    strike = Event.objects.get(acled_event_id="KBT1002")
    assert (strike.type, strike.date, strike.fatalities) == \
        (EventType.AIR_STRIKE, dt.date(2020, 2, 4), 3)
    # ACLED's time_precision 2: within a week of the date.
    assert strike.date_precision == DatePrecision.WEEK
    assert capture.date_precision == DatePrecision.DAY
    assert strike.place.geonames_id == 164816
    assert "Two shops were destroyed." in strike.evidence.get().sentence
    civilians = Actor.objects.get(name="Civilians (Syria)")
    assert civilians.is_candidate and civilians.acled_names == ["Civilians (Syria)"]
    assert civilians.kind == ActorKind.CIVILIANS

    shelling = Event.objects.get(acled_event_id="KBT1003")
    assert shelling.type == EventType.SHELLING
    assert shelling.location_precision == LocationPrecision.NEAR
    militia = Actor.objects.get(acled_names__contains=["Hill Valley Defenders"])
    assert militia.is_candidate and militia.kind == ActorKind.MILITIA

    protest = Event.objects.get(acled_event_id="KBT1004")
    assert protest.type == EventType.PROTEST
    # ACLED's own sub-types, kept as they were coded.
    assert [(e.event_type, e.sub_event_type) for e in (capture, strike, shelling, protest)] == [
        ("battles", "government_regains_territory"),
        ("explosions_remote_violence", "air_drone_strike"),
        ("explosions_remote_violence", "shelling_artillery_missile_attack"),
        ("protests", "peaceful_protest")]
    assert protest.place is None and protest.location_text == "Offshore Test Point"


def test_bad_rows_are_reported_with_their_line_numbers_and_skipped(db, export):
    out, err = run(export)
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].endswith(":7: skipped: event_date '31 Foo 2020' is not a date "
                             "(YYYY-MM-DD or '06 February 2020')")
    assert ":8: skipped: latitude 'abc' is not a number" in lines[1]
    assert ":9: skipped: event_id_cnty is empty" in lines[2]
    assert ":10: skipped: fatalities -2 is negative" in lines[3]
    assert Event.objects.count() == 4


def test_reimport_updates_without_duplicating_and_keeps_editor_corrections(db, tmp_path,
                                                                        editor):
    first = write_csv(tmp_path / "first.csv", good_rows())
    run(first)
    run(first)
    assert Event.objects.count() == 4
    assert Evidence.objects.count() == 4
    assert Actor.objects.filter(name="Civilians (Syria)").count() == 1

    capture = Event.objects.get(acled_event_id="KBT1001")
    services.event_correct(event=capture, changes={"fatalities": 2}, user=editor,
                           reason="local council count")
    second = write_csv(tmp_path / "second.csv",
                       good_rows(capture_fatalities="9", strike_fatalities="5"))
    out, _ = run(second)

    assert "0 events created, 1 updated, 3 unchanged" in out
    capture.refresh_from_db()
    assert capture.fatalities == 2
    assert Event.objects.get(acled_event_id="KBT1002").fatalities == 5
    assert Event.objects.count() == 4


def test_merged_imports_keep_both_notes_and_a_reimport_updates_them_in_place(db, tmp_path,
                                                                          editor):
    # Two outlets' reports of one capture, coded as two ACLED events.
    second_report = row("KBT1009", "2020-02-06", "Battles", "Government regains territory",
                        SYRIA, actor2=HTS, inter2="2", source="Other Wire",
                        notes="Regime forces took the town on 6 February.")
    path = write_csv(tmp_path / "both.csv", [good_rows()[0], second_report])
    run(path)
    first, second = (Event.objects.get(acled_event_id=i) for i in ("KBT1001", "KBT1009"))

    services.event_merge(target=first, duplicates=[second], user=editor)

    notes = {e.source_label: e.sentence for e in first.evidence.all()}
    assert notes.keys() == {"ACLED KBT1001: Testing Wire", "ACLED KBT1009: Other Wire"}
    assert not second.evidence.exists()

    second_report["notes"] = "Regime forces took the town on 6 February, a monitor said."
    run(write_csv(tmp_path / "again.csv", [good_rows()[0], second_report]))
    assert Evidence.objects.count() == 2
    assert first.evidence.get(source_label="ACLED KBT1009: Other Wire").sentence == \
        "Regime forces took the town on 6 February, a monitor said."


def test_dry_run_counts_but_saves_nothing(db, export):
    out, err = run(export, "--dry-run")
    assert out.startswith("Dry run, nothing saved: 4 rows read: 4 events created")
    assert len(err.strip().splitlines()) == 4
    assert not Event.objects.filter(acled_event_id__startswith="KBT").exists()
    assert not Actor.objects.filter(name="Civilians (Syria)").exists()


def test_a_file_that_is_not_an_acled_export_is_refused(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,value\nx,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        run(path)
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.csv")


def test_rebuild_control_log_derives_the_log_again(db, export):
    run(export)
    ControlFlip.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_control_log", stdout=out)
    assert "Control log rebuilt" in out.getvalue()
    flip = ControlFlip.objects.exclude(inferred="loser").get(state=ControlState.HELD)
    assert flip.event.acled_event_id == "KBT1001" and flip.place.geonames_id == 164816
