"""The NLP's output: plain dataclasses, the contract between ``ingest.nlp`` and the services.

``to_dict`` gives the JSON form printed by ``manage.py extract`` (see issue 3's contract).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .typology import EVENT_TYPES, SUB_EVENT_TYPE, event_type_of


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place of the gazetteer (GeoNames, OCHA, OpenStreetMap, or all three merged)."""

    geonames_id: int | None
    name: str
    kind: str  # events.choices.PlaceKind values: populated_place, admin_area, country, other
    country_code: str
    lat: float
    lon: float
    population: int = 0
    admin1_code: str = ""
    admin1_name: str = ""
    ascii_name: str = ""
    alternate_names: tuple[str, ...] = ()
    feature_class: str = ""
    feature_code: str = ""
    # Below the admin-1 area: district and sub-district (OCHA's admin 2 and 3).
    admin2_name: str = ""
    admin3_name: str = ""
    # The other sources' ids of the same place: OCHA's P-code, OpenStreetMap's "node/123".
    pcode: str = ""
    osm_id: str = ""


@dataclass(frozen=True, slots=True)
class RegistryActor:
    """An actor of the registry, with the names news uses for it."""

    name: str
    kind: str  # events.choices.ActorKind values
    country_code: str = ""
    aliases: tuple[str, ...] = ()
    acled_names: tuple[str, ...] = ()
    parent: str | None = None
    backed_by: tuple[tuple[str, str | None, str | None], ...] = ()  # (actor, start, end) ISO dates


@dataclass(frozen=True, slots=True)
class RegistryAccord:
    """An accord of the registry."""

    name: str
    kind: str  # events.choices.AccordKind values
    aliases: tuple[str, ...] = ()
    signed_date: str | None = None  # ISO date
    start_date: str | None = None
    end_date: str | None = None
    parties: tuple[str, ...] = ()
    guarantors: tuple[str, ...] = ()
    places: tuple[int, ...] = ()  # GeoNames ids
    description: str = ""


@dataclass(slots=True)
class PlaceMention:
    text: str
    start: int
    end: int
    geonames_id: int | None
    name: str
    country_code: str
    lat: float
    lon: float
    admin1_name: str = ""
    kind: str = "populated_place"
    precision: str = "exact"  # events.choices.LocationPrecision values
    score: float = 0.0


@dataclass(slots=True)
class ActorMention:
    text: str
    start: int
    end: int
    name: str  # the registry actor's canonical name, or the candidate's own name
    acled: str | None
    kind: str = "other"
    is_candidate: bool = False  # not in the registry: proposed to editors


@dataclass(slots=True)
class AccordMention:
    text: str
    start: int
    end: int
    name: str
    date: str | None  # ISO date the text or the registry gives
    is_candidate: bool = False


@dataclass(slots=True)
class EventActorRef:
    name: str
    acled: str | None
    role: str  # events.choices.ActorRole values
    is_candidate: bool = False


@dataclass(slots=True)
class EventPlace:
    geonames_id: int | None
    name: str
    lat: float
    lon: float
    country_code: str = ""
    precision: str = "exact"


@dataclass(slots=True)
class Evidence:
    text: str  # the sentence
    start: int  # character offsets of the sentence in the document text
    end: int


@dataclass(slots=True)
class ExtractedEvent:
    type: str  # events.choices.EventType values
    date: str | None  # ISO date
    date_precision: str  # day, month, year
    place: EventPlace | None
    actors: list[EventActorRef]
    evidence: Evidence
    confidence: float
    fatalities: int | None = None
    displaced: int | None = None
    end_date: str | None = None
    accords: list[tuple[str, str]] = field(default_factory=list)  # (accord name, relation)
    summary: str = ""
    # ACLED's coding (ingest.nlp.typology): sub-type slug; its event type follows from it.
    sub_event_type: str = ""
    injured: int | None = None
    # Told in passing, more than 30 days before publication: kept, not news, off the map.
    background: bool = False
    # The same incident told again (title, lead, body): every sentence that reports it.
    more_evidence: list[Evidence] = field(default_factory=list)

    @property
    def event_type(self) -> str:
        """ACLED's event type slug ("" when the sub-type is not set)."""
        return event_type_of(self.sub_event_type) if self.sub_event_type else ""


@dataclass(slots=True)
class Figure:
    """A cumulative total over a period ("170,000 have fled since November"): not an event.

    Shown on place and article pages and in the API, never on the event map or the control log.
    """

    kind: str  # ingest.nlp.typology.FIGURE_KINDS: killed, injured, displaced, other
    count: int
    evidence: Evidence  # the sentence; start/end are its offsets in the document text
    period_start: str | None = None  # ISO date
    period_end: str | None = None  # ISO date (the publication date when the text says "since")
    place: EventPlace | None = None
    actors: list[EventActorRef] = field(default_factory=list)


@dataclass(slots=True)
class DocumentResult:
    id: str
    language: str
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    accords: list[AccordMention] = field(default_factory=list)
    events: list[ExtractedEvent] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    version: str = ""

    def to_dict(self) -> dict:
        """The JSON contract of ``manage.py extract``."""
        return {
            "id": self.id,
            "places": [{k: getattr(p, k) for k in ("text", "start", "end", "geonames_id", "name",
                                                    "country_code", "lat", "lon")}
                       for p in self.places],
            "actors": [{"text": a.text, "start": a.start, "end": a.end, "name": a.name,
                        "acled": a.acled} for a in self.actors],
            "accords": [{"text": a.text, "start": a.start, "end": a.end, "name": a.name,
                         "date": a.date} for a in self.accords],
            "events": [
                {
                    "type": e.type,
                    "date": e.date,
                    "date_precision": e.date_precision,
                    "place": ({"geonames_id": e.place.geonames_id, "name": e.place.name,
                               "lat": e.place.lat, "lon": e.place.lon} if e.place else None),
                    "actors": [{"name": a.name, "acled": a.acled, "role": a.role}
                               for a in e.actors],
                    "fatalities": e.fatalities,
                    "displaced": e.displaced,
                    "confidence": e.confidence,
                    "evidence": asdict(e.evidence),
                    # ACLED's labels, as ACLED's CSV writes them.
                    "event_type": EVENT_TYPES[e.event_type] if e.event_type else None,
                    "sub_event_type": (SUB_EVENT_TYPE[e.sub_event_type].label
                                       if e.sub_event_type else None),
                    "background": e.background,
                    "injured": e.injured,
                    "more_evidence": [asdict(x) for x in e.more_evidence],
                }
                for e in self.events
            ],
            "figures": [
                {
                    "kind": f.kind,
                    "count": f.count,
                    "period_start": f.period_start,
                    "period_end": f.period_end,
                    "place": ({"geonames_id": f.place.geonames_id, "name": f.place.name,
                               "lat": f.place.lat, "lon": f.place.lon} if f.place else None),
                    "evidence": asdict(f.evidence),
                }
                for f in self.figures
            ],
        }
