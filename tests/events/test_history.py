"""Every edit leaves a revision; reverting brings an earlier version back."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from events import services
from events.choices import ActorKind, ActorRole, EventType, ReviewStatus, RevisionAction
from events.models import Actor, Place


@pytest.fixture
def event(db):
    place = Place.objects.create(name="Hamlet", country_code="SY", point=Point(36.5, 35.5))
    actor = Actor.objects.create(name="Some Army", slug="some-army", kind=ActorKind.STATE_FORCES)
    return services.event_create(
        values={"type": EventType.BATTLE, "date": dt.date(2020, 2, 1), "place": place,
                "confidence": 0.6, "fatalities": 3},
        actors=[(actor, ActorRole.INITIATOR)], via="pipeline", pipeline_version="0.1.0",
        origin="pipeline",
    )


def test_pipeline_creation_is_attributed_to_the_pipeline(event):
    revision = services.revisions_for(event).get()
    assert revision.action == RevisionAction.CREATE
    assert revision.user is None
    assert revision.author == "pipeline 0.1.0"


def test_creation_revisions_written_together_keep_every_value(event):
    revision = services.revisions_for(event).get()
    after = revision.after
    assert after["fatalities"] == 3 and after["date"] == "2020-02-01"
    assert after["actors"] == [[event.event_actors.get().actor_id, ActorRole.INITIATOR]]
    assert revision.before is None  # SQL NULL, not a JSON null
    assert services.revisions_for(event).filter(before__isnull=True).exists()
    assert revision.object_repr == str(event)
    assert revision.created_at is not None


def test_an_over_long_value_in_rows_written_together_fails_instead_of_being_cut(db):
    from django.db import DataError, transaction

    from events.models import Mention
    from events.services.rows import rows_insert
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    with pytest.raises(DataError), transaction.atomic():
        rows_insert(Mention, ("article_id", "kind", "start", "end", "text"),
                    [(article.pk, "place", 0, 4, "x" * 1001)])
    rows = [(article.pk, "place", 0, 4, "Idlib"), (article.pk, "actor", 5, 9, "HTS")]
    assert rows_insert(Mention, ("article_id", "kind", "start", "end", "text"), rows) == 2
    assert list(article.mentions.values_list("text", flat=True)) == ["Idlib", "HTS"]


def test_a_correction_records_who_what_and_why_and_locks_the_field(event, editor):
    services.event_correct(event=event, changes={"fatalities": 5}, user=editor,
                           reason="the ministry's later count")
    latest = services.revisions_for(event).first()
    assert latest.user == editor
    assert latest.reason == "the ministry's later count"
    assert latest.before["fatalities"] == 3 and latest.after["fatalities"] == 5
    assert latest.changed_fields() == ["fatalities", "locked_fields"]
    event.refresh_from_db()
    assert event.is_locked("fatalities") and not event.is_locked("date")


def test_revert_restores_an_earlier_version_including_actors(event, editor):
    created = services.revisions_for(event).get()
    other = Actor.objects.create(name="Other Army", slug="other-army")
    services.event_correct(event=event, changes={"fatalities": 9,
                                                 "actors": [(other, ActorRole.INITIATOR)]},
                           user=editor, reason="wrong side")
    services.event_revert(event=event, revision=created, user=editor)
    event.refresh_from_db()
    assert event.fatalities == 3
    assert [ea.actor.name for ea in event.event_actors.all()] == ["Some Army"]
    assert services.revisions_for(event).first().action == RevisionAction.REVERT


def test_reject_needs_a_reason(event, editor):
    with pytest.raises(ValidationError):
        services.event_reject(event=event, reason="  ", user=editor)
    services.event_reject(event=event, reason="not a battle", user=editor)
    event.refresh_from_db()
    assert event.review_status == ReviewStatus.REJECTED and event.reject_reason == "not a battle"


def test_merge_moves_actors_and_marks_the_duplicate(event, editor):
    dup = services.event_create(values={"type": EventType.BATTLE, "date": dt.date(2020, 2, 2),
                                        "place": event.place, "confidence": 0.9},
                                actors=[(Actor.objects.create(name="Militia M", slug="militia-m"),
                                         ActorRole.TARGET)])
    services.event_merge(target=event, duplicates=[dup], user=editor)
    dup.refresh_from_db()
    event.refresh_from_db()
    assert dup.review_status == ReviewStatus.MERGED and dup.merged_into == event
    assert {ea.actor.name for ea in event.event_actors.all()} == {"Some Army", "Militia M"}
    assert event.confidence == 0.9
