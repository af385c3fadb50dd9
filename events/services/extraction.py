"""Saving what the NLP read in an article: mentions, candidates, events and their evidence.

``article_extraction_save`` takes the plain ``DocumentResult`` of ``ingest.nlp`` and writes
it in one transaction. The same event reported by several articles becomes one event with
several evidence rows; re-extracting an article (a new pipeline version) updates the
machine-made events it produced, but never a value an editor corrected (``locked_fields``)
nor anything of a verified event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from events.choices import (
    AccordKind,
    AccordRelation,
    ActorKind,
    ActorRole,
    ArticleStatus,
    DatePrecision,
    EventOrigin,
    EventType,
    LocationPrecision,
    MentionKind,
    ReviewStatus,
    RevisionAction,
    RevisionVia,
    SubEventType,
    kind_for,
    sub_type_for,
)
from events.models import (
    Accord,
    Actor,
    Article,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    Mention,
    Place,
    Revision,
)
from ingest.nlp.dates import iso_date
from ingest.nlp.gazetteer import haversine_km
from ingest.nlp.normalize import normalize_name
from ingest.nlp.types import DocumentResult, EventPlace, ExtractedEvent, PlaceMention

from .control import control_log_refresh_sources, control_log_sync_many
from .events import (
    EventDraft,
    event_accords_set,
    event_actors_set,
    event_validate,
    events_create,
)
from .figures import article_figures_save, is_legacy_event, legacy_events_fold
from .history import event_snapshot, revision_build, revision_record, revisions_write
from .matching import EventMatcher, NewEvent, event_survivor, lock_match_keys
from .registry import unique_slug
from .rows import rows_insert

# Reports of one event by different outlets disagree on the date by a day or two.
DEFAULT_MATCH_DAYS = 2
_FILLABLE = ("fatalities", "injured", "displaced", "end_date", "summary")
# What the save reads of the places it links (Event.__str__ names the place).
_PLACE_FIELDS = ("id", "geonames_id", "name", "country_code")


@dataclass
class ExtractionSummary:
    """What saving one article's extraction did, for logs, jobs and commands."""

    article_id: int
    pipeline_version: str
    events_created: list[int] = field(default_factory=list)
    events_updated: list[int] = field(default_factory=list)
    events_matched: list[int] = field(default_factory=list)
    events_deleted: list[int] = field(default_factory=list)
    evidence_removed: int = 0
    mentions: int = 0
    figures: int = 0
    candidate_actors: list[str] = field(default_factory=list)
    candidate_accords: list[str] = field(default_factory=list)

    @property
    def event_ids(self) -> list[int]:
        """Every event the article is now evidence for."""
        return sorted({*self.events_created, *self.events_updated, *self.events_matched})


def article_extract(*, article: Article, extractor=None) -> ExtractionSummary:
    """Run the NLP over ``article`` and save the result (the Celery task calls this).

    The slow part, the NLP, runs outside any transaction; only the save is atomic.
    """
    from ingest.extraction import get_extractor, pipeline_version

    extractor = extractor or get_extractor()
    published = timezone.localdate(article.published_at) if article.published_at else None
    result = extractor.extract(article.text or "", doc_id=str(article.pk), published=published)
    return article_extraction_save(article=article, result=result,
                                   pipeline_version=pipeline_version())


def _create_candidate(model, name: str, values: dict):
    """A new candidate actor or accord; another worker may create the same one meanwhile."""
    name = name[:300]
    try:
        with transaction.atomic():
            slug = unique_slug(model=model, name=name, fallback=model.__name__.lower())
            obj = model(name=name, slug=slug, is_candidate=True, **values)
            obj.save()
            return obj
    except IntegrityError:
        return model.objects.get(name=name)


def _count(value) -> int | None:
    if value is None:
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


class _Resolver:
    """Links the NLP's names to rows, creating candidate actors and accords for unknown ones.

    Every place, actor and accord the result names is read when the resolver is made, in
    a few queries; only names nobody knows yet cost more (a candidate is created).
    """

    def __init__(self, summary: ExtractionSummary, pipeline_version: str, article: Article,
                 result: DocumentResult):
        self.summary = summary
        self.pipeline_version = pipeline_version
        self.article = article
        refs = [*result.places, *(x.place for x in (*result.events, *result.figures)
                                  if x.place is not None)]
        ids = {r.geonames_id for r in refs if r.geonames_id is not None}
        # Only what the save uses of a place (its id, and its name for revisions): a
        # town's hundreds of alternate names stay in the database.
        self._by_geonames_id = {p.geonames_id: p for p in Place.objects.filter(
            geonames_id__in=ids).only(*_PLACE_FIELDS)} if ids else {}
        self._by_name: dict[tuple, Place | None] = {}
        self._nearest_by_name([r for r in refs
                               if r.name and r.geonames_id not in self._by_geonames_id])
        self._actors = self._read(Actor, {a.name for a in result.actors}
                                  | {a.name for x in (*result.events, *result.figures)
                                     for a in x.actors})
        self._accords = self._read(Accord, {a.name for a in result.accords}
                                   | {name for ev in result.events for name, _ in ev.accords})

    @staticmethod
    def _read(model, names: set[str]) -> dict:
        names.discard("")
        return {row.name: row for row in model.objects.filter(name__in=names)
                .only("id", "name", "is_candidate",
                      *(("parent_id", "kind") if model is Actor else ()))
                } if names else {}

    def _nearest_by_name(self, refs: list) -> None:
        """Places named without a known GeoNames id (admin areas): the nearest place of
        that name in its country, for all of them in one query."""
        keys = {normalize_name(r.name) for r in refs} - {""}
        if not keys:
            return
        rows = list(Place.objects.filter(search_names__overlap=sorted(keys))
                    .only(*_PLACE_FIELDS, "point", "search_names"))
        for ref in refs:
            key = normalize_name(ref.name)
            found = [p for p in rows if key in p.search_names
                     and (not ref.country_code or p.country_code == ref.country_code)]
            self._by_name[(ref.geonames_id, ref.name, ref.country_code)] = min(
                found, key=lambda p: (haversine_km(ref.lat, ref.lon, p.point.y, p.point.x),
                                      p.pk), default=None)

    def place(self, ref: PlaceMention | EventPlace | None) -> Place | None:
        """The place of a place mention or an event's place, or None."""
        if ref is None:
            return None
        if ref.geonames_id in self._by_geonames_id:
            return self._by_geonames_id[ref.geonames_id]
        return self._by_name.get((ref.geonames_id, ref.name, ref.country_code))

    def _known_or_candidate(self, model, cache: dict, name: str, values: dict,
                            proposed: list[str]):
        """The actor or accord known by ``name`` (any spelling), else a new candidate."""
        if name not in cache:
            row = model.objects.named(name).order_by("is_candidate", "pk").first()
            if row is None:
                row = _create_candidate(model, name, {
                    **values,
                    "description": f"Proposed by the pipeline from article {self.article.pk}."})
                revision_record(instance=row, action=RevisionAction.CREATE,
                                via=RevisionVia.PIPELINE, pipeline_version=self.pipeline_version,
                                reason=f"candidate {model._meta.model_name} found in an article")
                proposed.append(row.name)
            cache[name] = row
        return cache[name]

    def actor(self, *, name: str, acled: str | None, kind: str = ActorKind.OTHER) -> Actor:
        return self._known_or_candidate(
            Actor, self._actors, name,
            {"kind": kind if kind in ActorKind.values else ActorKind.OTHER,
             "acled_names": [acled] if acled else []},
            self.summary.candidate_actors)

    def accord(self, *, name: str, date: str | None = None) -> Accord:
        return self._known_or_candidate(
            Accord, self._accords, name,
            {"kind": AccordKind.OTHER, "signed_date": iso_date(date)},
            self.summary.candidate_accords)


@dataclass
class PlannedEvent:
    """An extracted event resolved to rows, ready to be matched or created."""

    values: dict
    actors: list[tuple[Actor, str]]
    accords: list[tuple[Accord, str]]
    extracted: ExtractedEvent


def _plan(ev: ExtractedEvent, resolver: _Resolver, published: dt.date,
          pipeline_version: str) -> PlannedEvent | None:
    if ev.type not in EventType.values or is_legacy_event(ev):
        return None  # counts over a period are figures now (article_figures_save)
    date = iso_date(ev.date) or published
    end_date = iso_date(ev.end_date)
    if end_date is not None and end_date < date:
        end_date = None
    place = resolver.place(ev.place)
    precision = ev.place.precision if ev.place else LocationPrecision.UNKNOWN
    actors = [(resolver.actor(name=a.name, acled=a.acled), a.role)
              for a in ev.actors if a.name and a.role in ActorRole.values]
    kind = ev.type
    if ev.sub_event_type in SubEventType.values:
        sub_type = ev.sub_event_type
        kind = kind_for(sub_type, kind=kind)
    else:
        # An extractor that does not code sub-types: the kind's, a change of control's by
        # the gaining actor's kind.
        gainer = next((a for a, role in actors if role == ActorRole.GAINS_CONTROL), None)
        sub_type = sub_type_for(kind, gainer_kind=gainer.kind if gainer else None)
    values = {
        "type": kind,
        "sub_event_type": sub_type,
        "date": date,
        "date_precision": ev.date_precision if ev.date_precision in DatePrecision.values
        else DatePrecision.DAY,
        "end_date": end_date,
        "place": place,
        "location_precision": precision if precision in LocationPrecision.values
        else LocationPrecision.EXACT,
        "location_text": (ev.place.name if ev.place else "")[:300],
        "fatalities": _count(ev.fatalities),
        "injured": _count(ev.injured),
        "displaced": _count(ev.displaced),
        "summary": ev.summary or ev.evidence.text[:500],
        "background": bool(ev.background),
        "confidence": min(1.0, max(0.0, float(ev.confidence))),
        "extractor_version": pipeline_version,
    }
    accords = [(resolver.accord(name=name),
                relation if relation in AccordRelation.values else AccordRelation.CONCERNS)
               for name, relation in ev.accords if name]
    return PlannedEvent(values=values, actors=actors, accords=accords, extracted=ev)


def _merge_values(event: Event, plan: PlannedEvent, *, sole: bool) -> None:
    """Set ``plan``'s values on ``event`` (in memory) by the rules of ``_apply``."""
    for name, value in plan.values.items():
        if name == "extractor_version":
            continue
        lock_name = "place" if name == "location_text" else name
        if event.is_locked(lock_name):
            continue
        if name == "place":  # compare ids: reading event.place would query the place
            if sole and event.place_id != (value.pk if value else None):
                event.place = value
            continue
        current = getattr(event, name)
        if sole:
            setattr(event, name, value)
        elif name == "confidence":
            setattr(event, name, max(current, value))
        elif name == "background":
            setattr(event, name, current and value)  # news as soon as one report tells it
        elif name in _FILLABLE and current in (None, "") and value not in (None, ""):
            setattr(event, name, value)


@dataclass
class _LogWrites:
    """Revisions and control-log rows of the events a save changed, written together at
    its end (one statement each, not a few per event)."""

    revisions: list[Revision] = field(default_factory=list)
    control: list[tuple[Event, list[EventActor]]] = field(default_factory=list)

    def flush(self) -> None:
        if self.control:
            control_log_sync_many(self.control)
        if self.revisions:
            revisions_write(self.revisions)


def _apply(event: Event, plan: PlannedEvent, *, sole: bool, pipeline_version: str,
           log: _LogWrites, locked: bool = False
           ) -> tuple[Event, bool, list[EventActor], list[EventAccord]]:
    """Bring ``event`` in line with a new extraction.

    Returns the event, whether it changed, and its actor and accord rows now. Its
    revision and control-log row are left in ``log``.

    The sole source of a machine-made event rewrites its unlocked values; another report
    only fills in what is missing. Locked fields and verified events are left alone.
    ``locked``: ``event`` was read FOR UPDATE in this transaction, with its actors and
    accords; otherwise it is read again so. Nothing is written when nothing changes.
    """
    if event.review_status == ReviewStatus.VERIFIED:
        return event, False, list(event.event_actors.all()), list(event.event_accords.all())
    if not locked:
        event = (Event.objects.select_for_update()
                 .prefetch_related("event_actors", "event_accords").get(pk=event.pk))
    roles, links = list(event.event_actors.all()), list(event.event_accords.all())
    before = event_snapshot(event, event_actors=roles, event_accords=links)
    version = event.extractor_version
    _merge_values(event, plan, sole=sole)
    if sole:
        event.extractor_version = pipeline_version
    event_validate(event)
    if not event.is_locked("actors"):
        current = {(ea.actor_id, ea.role) for ea in roles}
        wanted = {(a.pk, r): a for a, r in plan.actors}
        if sole and set(wanted) != current:
            roles = event_actors_set(event, [(a, r) for (_, r), a in wanted.items()])
        elif not sole and set(wanted) - current:
            roles = roles + EventActor.objects.bulk_create(
                EventActor(event=event, actor=a, role=r)
                for (pk, r), a in wanted.items() if (pk, r) not in current)
    if not event.is_locked("accords"):
        current = {ea.accord_id: ea.relation for ea in links}
        wanted_accords = {a.pk: (a, r) for a, r in plan.accords}
        if sole and {k: v[1] for k, v in wanted_accords.items()} != current:
            links = event_accords_set(event, list(wanted_accords.values()))
        elif not sole and set(wanted_accords) - set(current):
            links = links + EventAccord.objects.bulk_create(
                EventAccord(event=event, accord=a, relation=r)
                for pk, (a, r) in wanted_accords.items() if pk not in current)
    after = event_snapshot(event, event_actors=roles, event_accords=links)
    changed = {k: v for k, v in after.items() if k != "extractor_version"} != \
        {k: v for k, v in before.items() if k != "extractor_version"}
    if changed or event.extractor_version != version:
        event.save()
    if changed:
        event._prefetched_objects_cache = {}
        log.revisions.append(revision_build(
            instance=event, action=RevisionAction.UPDATE, via=RevisionVia.PIPELINE,
            before=before, after=after, pipeline_version=pipeline_version,
            reason="re-extracted" if sole else "reported by another article"))
        log.control.append((event, roles))
    return event, changed, roles, links


def _touched_by_people(event: Event) -> bool:
    """Whether anyone but the pipeline ever changed ``event`` (then it is never deleted)."""
    if (event.origin != EventOrigin.PIPELINE or event.locked_fields
            or event.review_status != ReviewStatus.EXTRACTED or event.acled_event_id):
        return True
    if Event.objects.filter(merged_into=event).exists():
        return True
    return (Revision.objects.filter(content_type=ContentType.objects.get_for_model(Event),
                                    object_id=event.pk)
            .exclude(via=RevisionVia.PIPELINE).exists())


# A mention row: its kind, span and text, and the one place, actor, accord or event named.
MENTION_COLUMNS = ("article_id", "kind", "start", "end", "text", "place_id", "actor_id",
                   "accord_id", "event_id")


def _spans(ev: ExtractedEvent) -> list:
    """The sentences that tell an extracted event: its evidence, then the others."""
    return [ev.evidence, *ev.more_evidence]


def _pk(row) -> int | None:
    return row.pk if row is not None else None


def _mentions(article: Article, result: DocumentResult, resolver: _Resolver) -> list[tuple]:
    """The article's place, actor and accord mentions as MENTION_COLUMNS rows."""
    rows = []
    for p in result.places:
        rows.append((article.pk, MentionKind.PLACE, p.start, p.end, p.text[:1000],
                     _pk(resolver.place(p)), None, None, None))
    for a in result.actors:
        actor = resolver.actor(name=a.name, acled=a.acled, kind=a.kind)
        rows.append((article.pk, MentionKind.ACTOR, a.start, a.end, a.text[:1000], None,
                     actor.pk, None, None))
    for a in result.accords:
        accord = resolver.accord(name=a.name, date=a.date)
        rows.append((article.pk, MentionKind.ACCORD, a.start, a.end, a.text[:1000], None, None,
                     accord.pk, None))
    return rows


def article_extraction_save(*, article: Article, result: DocumentResult, pipeline_version: str,
                            match_days: int | None = None) -> ExtractionSummary:
    """Write one article's extraction: mentions, candidates, events, evidence, control log.

    An extracted event joins an existing event of the same type and place within
    ``match_days`` days (settings.EVENT_MATCH_DAYS, default 2) whose actors do not
    contradict it, from any article; otherwise it becomes a new machine-made event. This
    article's evidence for events it no longer reports is removed, and machine-made events
    left without any evidence are deleted unless a person touched them.

    Look-ups and writes are batched: an article's save costs a fixed number of queries
    plus a few per event that another report already stored.
    """
    durable = not connection.in_atomic_block
    with transaction.atomic():
        if durable:
            # Everything written here is derived from the stored article, whose claim
            # (PROCESSING) was committed durably before. Should PostgreSQL crash before
            # this commit reaches the disk (at most ~3 x wal_writer_delay of commits), the
            # article is still PROCESSING and requeue_stale extracts it again: nothing is
            # lost, so this commit need not wait for the disk (0.2-2 ms an article here).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return _save(article=article, result=result, pipeline_version=pipeline_version,
                     match_days=match_days)


def _save(*, article: Article, result: DocumentResult, pipeline_version: str,
          match_days: int | None) -> ExtractionSummary:
    if match_days is None:
        match_days = getattr(settings, "EVENT_MATCH_DAYS", DEFAULT_MATCH_DAYS)
    # Locked, and read again for what the save needs (not the text).
    given, article = article, Article.objects.select_for_update().only(
        "published_at", "processed_at", "pipeline_version").get(pk=article.pk)
    summary = ExtractionSummary(article_id=article.pk, pipeline_version=pipeline_version)
    resolver = _Resolver(summary, pipeline_version, article, result)
    published = (timezone.localdate(article.published_at) if article.published_at
                 else timezone.localdate())

    # An article never processed has no mentions or evidence yet (a save that failed
    # half-way was rolled back): two queries saved on every new article.
    first_time = article.processed_at is None and not article.pipeline_version
    if not first_time:
        Mention.objects.filter(article=article).delete()
    mentions = _mentions(article, result, resolver)

    previous = [] if first_time else list(
        Evidence.objects.filter(article=article).select_related("event"))
    by_span: dict[tuple, list[Event]] = {}
    for evidence in previous:
        key = (evidence.start, evidence.end, evidence.event.type)
        by_span.setdefault(key, []).append(event_survivor(event=evidence.event))
    new_keys: dict[tuple, int] = {}
    events, legacy_figures = legacy_events_fold(result.events)
    planned = [(ev, _plan(ev, resolver, published, pipeline_version)) for ev in events]
    planned = [(ev, plan) for ev, plan in planned if plan is not None]
    for ev, plan in planned:
        key = (ev.evidence.start, ev.evidence.end, plan.values["type"])
        new_keys[key] = new_keys.get(key, 0) + 1
    # Every lock up front and in one global order (see lock_match_keys).
    lock_match_keys(keys=[(plan.values["type"],
                           plan.values["place"].pk if plan.values["place"] else 0)
                          for _, plan in planned])
    matcher = EventMatcher([plan for _, plan in planned], match_days, article_id=article.pk)

    # Stored events that other articles report too (this one is not their sole source):
    # known for the candidates the matcher read, asked for the others.
    known = {*matcher.pool, *(e.pk for es in by_span.values() for e in es)}
    reported_elsewhere = {pk for pk in known if matcher.reported_elsewhere.get(pk)}
    unknown = known - matcher.reported_elsewhere.keys()
    if unknown:
        reported_elsewhere |= set(
            Evidence.objects.filter(event__in=unknown).exclude(article=article).order_by()
            .values_list("event_id", flat=True).distinct())
    stored: dict[int, Event] = {}  # stored events this article reports, by id
    log = _LogWrites()
    reports: list[tuple[ExtractedEvent, PlannedEvent, Event | NewEvent]] = []
    for ev, plan in planned:
        place = plan.values["place"]
        key = (ev.evidence.start, ev.evidence.end, plan.values["type"])
        event = None
        # The events this article's earlier reading stored at any sentence telling it.
        olds = list({e.pk: e for span in _spans(ev)
                     for e in by_span.get((span.start, span.end, plan.values["type"]), [])
                     }.values())
        same_place = [e for e in olds if e.place_id == (place.pk if place else None)]
        if same_place:
            event = same_place[0]
        elif (len(olds) == 1 and new_keys.get(key) == 1 and olds[0].origin == EventOrigin.PIPELINE
              and olds[0].pk not in reported_elsewhere):
            event = olds[0]  # this sentence's event, re-read by a new pipeline version
        if event is None:
            event = matcher.find(plan)
        if isinstance(event, NewEvent):
            # A second report of a new event in the same article fills in blanks.
            _merge_values(event.event, plan, sole=False)
            for actor, role in plan.actors:
                event.actors.setdefault((actor.pk, role), actor)
            for accord, relation in plan.accords:
                event.accords.setdefault(accord.pk, (accord, relation))
            reports.append((ev, plan, event))
            continue
        if event is None:
            new = NewEvent(event=Event(**plan.values), plan=plan,
                           actors={(a.pk, r): a for a, r in plan.actors},
                           accords={a.pk: (a, r) for a, r in plan.accords})
            matcher.add_new(new)
            reports.append((ev, plan, new))
            continue
        # A second report of one event in the same article only fills in blanks.
        sole = (event.pk not in stored and event.origin == EventOrigin.PIPELINE
                and event.pk not in reported_elsewhere)
        event, changed, roles, links = _apply(event, plan, sole=sole,
                                              pipeline_version=pipeline_version, log=log,
                                              locked=matcher.is_locked(event))
        if changed:
            summary.events_updated.append(event.pk)
            matcher.add(event, roles, links)
        else:
            summary.events_matched.append(event.pk)
        stored[event.pk] = event
        reports.append((ev, plan, event))

    created = events_create(
        drafts=[EventDraft({name: getattr(new.event, name) for name in new.plan.values},
                           [(a, r) for (_, r), a in new.actors.items()],
                           list(new.accords.values())) for new in matcher.new],
        origin=EventOrigin.PIPELINE, via=RevisionVia.PIPELINE,
        pipeline_version=pipeline_version, reason=f"extracted from article {article.pk}")
    for new, event in zip(matcher.new, created, strict=True):
        new.event = event
        summary.events_created.append(event.pk)
    log.flush()

    evidence_rows: dict[tuple, Evidence] = {}
    for ev, plan, target in reports:
        event = target.event if isinstance(target, NewEvent) else target
        # Every sentence telling the incident (title, lead, body) is evidence of its event.
        for span in _spans(ev):
            if (event.pk, span.start, span.end) in evidence_rows:
                continue
            evidence_rows[(event.pk, span.start, span.end)] = Evidence(
                event=event, article=article, start=span.start, end=span.end,
                sentence=span.text, extractor_version=pipeline_version,
                confidence=plan.values["confidence"])
            mentions.append((article.pk, MentionKind.EVENT, span.start, span.end,
                             span.text[:1000], None, None, None, event.pk))
    Evidence.objects.bulk_create(evidence_rows.values(), update_conflicts=True,
                                 unique_fields=["event", "article", "start", "end",
                                                "source_label"],
                                 update_fields=["sentence", "extractor_version", "confidence"])

    reported = {e.pk for e in created} | set(stored)
    stale = [e for e in previous if (e.event_id, e.start, e.end) not in evidence_rows]
    summary.evidence_removed = len(stale)
    Evidence.objects.filter(pk__in=[e.pk for e in stale]).delete()
    # Their outlets are the log's sources: evidence is written after the log.
    control_log_refresh_sources(event_ids={e.event_id for e in evidence_rows.values()}
                                | {e.event_id for e in previous})
    for event_id in {e.event_id for e in stale} - reported:
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            continue
        if not event.evidence.exists() and not _touched_by_people(event):
            revision_record(instance=event, action=RevisionAction.DELETE,
                            via=RevisionVia.PIPELINE, before=event_snapshot(event), after={},
                            pipeline_version=pipeline_version,
                            reason=f"no longer extracted from article {article.pk}")
            event.delete()
            summary.events_deleted.append(event_id)

    summary.mentions = rows_insert(Mention, MENTION_COLUMNS, mentions)
    summary.figures = len(article_figures_save(
        article=article, figures=[*result.figures, *legacy_figures], resolver=resolver,
        pipeline_version=pipeline_version, published=published, replace=not first_time))

    done = {"status": ArticleStatus.DONE, "processed_at": timezone.now(),
            "pipeline_version": pipeline_version, "status_message": ""}
    Article.objects.filter(pk=article.pk).update(**done)
    for name, value in done.items():
        setattr(given, name, value)
    return summary
