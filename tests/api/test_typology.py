"""ACLED's typology, background events and figures in the API (issue 14)."""

import csv
import datetime as dt
import io

from events import services
from events.choices import ActorRole, EventType
from events.models import ControlFlip, Figure

from .conftest import make_place

URL = "/api/v1/events/"
FIGURES = "/api/v1/figures/"


def ids(response):
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


def test_events_carry_acled_slugs_and_labels(api, world):
    rows = {r["id"]: r for r in api.get(URL).json()["results"]}
    captured = rows[world["captured"].pk]
    assert (captured["event_type"], captured["event_type_label"], captured["sub_event_type"],
            captured["sub_event_type_label"]) == ("battles", "Battles",
                                                  "government_regains_territory",
                                                  "Government regains territory")
    assert captured["background"] is False and captured["injured"] is None
    detail = api.get(f"{URL}{world['strike'].pk}/").json()
    assert (detail["event_type_label"], detail["sub_event_type_label"]) == \
        ("Explosions/Remote violence", "Air/drone strike")


def test_background_events_are_listed_only_when_asked_until_verified(api, world):
    old = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2012, 7, 1),
                "place": world["farville"], "background": True},
        actors=[(world["rebels"], ActorRole.GAINS_CONTROL)])
    assert old.pk not in ids(api.get(URL))
    assert not ControlFlip.objects.filter(event=old).exists()
    assert ids(api.get(URL, {"background": "true"})) == {old.pk}
    assert old.pk not in ids(api.get(URL, {"background": "false"}))
    services.event_verify(event=old, reason="the 2012 capture, checked")
    assert old.pk in ids(api.get(URL))
    assert ControlFlip.objects.filter(event=old).exists()


def test_editors_correct_the_sub_type_and_the_kind_follows(editor_client, world):
    strike = world["strike"]
    response = editor_client.patch(f"{URL}{strike.pk}/",
                                   {"sub_event_type": "shelling_artillery_missile_attack"},
                                   format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["type"], body["sub_event_type"]) == ("shelling",
                                                      "shelling_artillery_missile_attack")
    assert {"type", "sub_event_type"} <= set(body["locked_fields"])
    # A new event given only its sub-type takes the kind of it.
    response = editor_client.post(URL, {"sub_event_type": "suicide_bomb",
                                        "date": "2020-03-02", "place": world["town"].pk},
                                  format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["type"], response.json()["event_type"]) == \
        ("explosion", "explosions_remote_violence")
    response = editor_client.post(URL, {"date": "2020-03-02"}, format="json")
    assert response.status_code == 400
    assert "type" in response.json()


def test_figures_are_listed_and_filtered(api, world):
    idlib = make_place("Idlibtest", 36.6, 35.9)
    article = world["article"]
    shown = Figure.objects.create(kind="displaced", count=80_000, place=idlib, article=article,
                                  period_start=dt.date(2019, 12, 1),
                                  period_end=dt.date(2020, 2, 6),
                                  sentence="80,000 have fled since December.", start=0, end=30)
    shown.actors.add(world["rebels"])
    killed = Figure.objects.create(kind="killed", count=1_800, period_end=dt.date(2019, 1, 1),
                                   sentence="1,800 died since the memorandum.")
    rows = api.get(FIGURES).json()["results"]
    assert [r["id"] for r in rows] == [killed.pk, shown.pk]
    row = rows[1]
    assert (row["kind"], row["kind_label"], row["count"], row["period_start"],
            row["period_end"]) == ("displaced", "Displaced", 80_000, "2019-12-01", "2020-02-06")
    assert row["place"]["name"] == "Idlibtest" and row["article"]["id"] == article.pk
    assert [a["slug"] for a in row["actors"]] == ["group-b"]
    assert ids(api.get(FIGURES, {"kind": "killed"})) == {killed.pk}
    assert ids(api.get(FIGURES, {"place": idlib.pk})) == {shown.pk}
    assert ids(api.get(FIGURES, {"article": article.pk})) == {shown.pk}
    assert ids(api.get(FIGURES, {"date_from": "2020-01-01"})) == {shown.pk}
    assert ids(api.get(FIGURES, {"country": "sy"})) == {shown.pk}
    response = api.get(FIGURES, {"kind": "wounded"})
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    # Figures are never events: the event list and the control log do not know them.
    assert not any(r["summary"].startswith("80,000") for r in api.get(URL).json()["results"])


def test_acled_export_writes_the_stored_sub_types(api, world):
    services.event_create(values={"type": EventType.BATTLE, "sub_event_type": "suicide_bomb",
                                  "date": dt.date(2020, 3, 3), "place": world["town"]})
    response = api.get(URL, {"format": "acled-csv", "date_from": "2020-03-01"})
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["event_type"], r["sub_event_type"]) for r in rows) == [
        ("Battles", "Armed clash"),
        ("Explosions/Remote violence", "Air/drone strike"),
        ("Explosions/Remote violence", "Suicide bomb"),
    ]


def test_a_split_with_a_new_kind_gets_that_kinds_sub_type(editor_client, world):
    response = editor_client.post(f"{URL}{world['battle'].pk}/split/",
                                  {"changes": {"type": "shelling"}}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["type"], response.json()["sub_event_type"]) == \
        ("shelling", "shelling_artillery_missile_attack")
    response = editor_client.post(f"{URL}{world['battle'].pk}/split/",
                                  {"changes": {"sub_event_type": "grenade"}}, format="json")
    assert (response.json()["type"], response.json()["sub_event_type"]) == \
        ("explosion", "grenade")
