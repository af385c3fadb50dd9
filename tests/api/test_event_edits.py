"""Editors create, correct, verify, reject, merge, split and revert events through the API."""

import pytest

from events.choices import ControlState
from events.models import ControlFlip, Event, Revision

URL = "/api/v1/events/"


def detail(world, key, action=""):
    return f"{URL}{world[key].pk}/{action + '/' if action else ''}"


def test_create_writes_history_and_the_control_log(editor_client, world, editor):
    response = editor_client.post(URL, {
        "type": "control_change", "date": "2020-06-01", "place": world["farville"].pk,
        "actors": [{"actor": "group-b", "role": "gains_control"},
                   {"actor": world["army"].pk, "role": "loses_control"}],
        "accords": [{"accord": "test-accord", "relation": "violates"}],
        "confidence": 1, "reason": "Reported by our correspondent.",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["origin"] == "editor"
    assert body["accords"][0]["relation"] == "violates"
    flip = ControlFlip.objects.exclude(inferred="loser").get(event_id=body["id"])
    assert (flip.state, flip.actor.slug) == (ControlState.HELD, "group-b")
    history = editor_client.get(f"{URL}{body['id']}/history/").json()
    assert history[0]["action"] == "create"
    assert history[0]["user"] == editor.username
    assert history[0]["via"] == "api"
    assert history[0]["reason"] == "Reported by our correspondent."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "picnic", "date": "2020-01-01"}, "type"),
        ({"type": "battle"}, "date"),
        ({"type": "battle", "date": "2020-01-01", "place": 999999999}, "place"),
        ({"type": "battle", "date": "2020-01-01", "confidence": 3}, "confidence"),
        ({"type": "battle", "date": "2020-01-05", "end_date": "2020-01-01"}, "end_date"),
        ({"type": "battle", "date": "2020-01-01",
          "actors": [{"actor": "nobody", "role": "party"}]}, "actors"),
    ],
)
def test_create_rejects_bad_values_with_400(editor_client, world, payload, field):
    response = editor_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_correct_locks_the_field_and_records_before_and_after(editor_client, world):
    response = editor_client.patch(detail(world, "captured"), {
        "place": world["farville"].pk, "reason": "Wrong town."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["place"]["name"] == "Farville"
    assert "place" in response.json()["locked_fields"]
    latest = editor_client.get(detail(world, "captured", "history")).json()[0]
    assert latest["action"] == "update"
    assert latest["changed_fields"] == ["place_id"]
    assert latest["reason"] == "Wrong town."


def test_patch_with_nothing_is_a_400(editor_client, world):
    response = editor_client.patch(detail(world, "captured"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Nothing to change."]}


def test_put_is_not_offered(editor_client, world):
    assert editor_client.put(detail(world, "captured"), {}, format="json").status_code == 405


def test_verify(editor_client, world):
    response = editor_client.post(detail(world, "strike", "verify"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["review_status"] == "verified"


def test_reject_needs_a_reason(editor_client, world):
    response = editor_client.post(detail(world, "strike", "reject"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["This field is required."]}
    response = editor_client.post(detail(world, "strike", "reject"), {"reason": "  "},
                                  format="json")
    assert response.status_code == 400
    response = editor_client.post(detail(world, "strike", "reject"),
                                  {"reason": "A duplicate wire story."}, format="json")
    assert response.status_code == 200
    assert response.json()["review_status"] == "rejected"
    assert response.json()["reject_reason"] == "A duplicate wire story."


def test_reject_removes_the_event_from_the_control_map(editor_client, api, world):
    before = api.get("/api/v1/control/", {"date": "2020-02-10", "country": "SY"}).json()
    assert [f["properties"]["name"] for f in before["features"]] == ["Testtown"]
    editor_client.post(detail(world, "captured", "reject"), {"reason": "Wrong."}, format="json")
    after = api.get("/api/v1/control/", {"date": "2020-02-10", "country": "SY"}).json()
    assert after["features"] == []


def test_merge(editor_client, world):
    response = editor_client.post(detail(world, "captured", "merge"),
                                  {"ids": [world["strike"].pk]}, format="json")
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=world["strike"].pk).review_status == "merged"
    assert Event.objects.get(pk=world["strike"].pk).merged_into_id == world["captured"].pk
    response = editor_client.post(detail(world, "captured", "merge"), {"ids": [999999999]},
                                  format="json")
    assert response.status_code == 400
    assert response.json() == {"ids": ["No event with id 999999999."]}
    response = editor_client.post(detail(world, "captured", "merge"),
                                  {"ids": [world["captured"].pk]}, format="json")
    assert response.status_code == 400
    assert "duplicates" in response.json()


def test_split_moves_evidence_to_a_new_event(editor_client, world):
    evidence = world["captured"].evidence.get()
    response = editor_client.post(detail(world, "captured", "split"), {
        "evidence_ids": [evidence.pk], "changes": {"date": "2020-02-07"},
        "reason": "Two captures."}, format="json")
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["id"] != world["captured"].pk
    assert new["date"] == "2020-02-07"
    assert [e["id"] for e in new["evidence"]] == [evidence.pk]
    assert editor_client.get(detail(world, "captured")).json()["evidence"] == []
    bad = editor_client.post(detail(world, "captured", "split"),
                             {"changes": {"date": "soon"}}, format="json")
    assert bad.status_code == 400
    assert "date" in bad.json()["changes"]


def test_revert_to_an_earlier_version(editor_client, world):
    created = Revision.objects.filter(object_id=world["captured"].pk,
                                      action="create").get()
    editor_client.patch(detail(world, "captured"), {"summary": "Wrong summary."}, format="json")
    response = editor_client.post(detail(world, "captured", "revert"),
                                  {"revision": created.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "The army took Testtown."
    history = editor_client.get(detail(world, "captured", "history")).json()
    assert [h["action"] for h in history[:3]] == ["revert", "update", "create"]
    other = Revision.objects.filter(object_id=world["strike"].pk, action="create").get()
    response = editor_client.post(detail(world, "captured", "revert"),
                                  {"revision": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"revision": ["That revision does not belong to this event."]}
