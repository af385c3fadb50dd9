"""Enumerations shared by models, filters, serializers and the NLP contract."""

from django.db import models

from ingest.nlp import typology


class PlaceKind(models.TextChoices):
    POPULATED_PLACE = "populated_place", "Populated place"
    ADMIN_AREA = "admin_area", "Administrative area"
    COUNTRY = "country", "Country"
    OTHER = "other", "Other"


class ActorKind(models.TextChoices):
    STATE_FORCES = "state_forces", "State forces"
    REBEL_GROUP = "rebel_group", "Rebel or armed group"
    MILITIA = "militia", "Militia"
    FOREIGN_STATE = "foreign_state", "Foreign state"
    INTERNATIONAL = "international", "International body"
    CIVILIANS = "civilians", "Civilians"
    OTHER = "other", "Other"


class AccordKind(models.TextChoices):
    CEASEFIRE = "ceasefire", "Ceasefire"
    DE_ESCALATION = "de_escalation", "De-escalation agreement"
    MEMORANDUM = "memorandum", "Memorandum"
    PEACE_AGREEMENT = "peace_agreement", "Peace agreement"
    OTHER = "other", "Other"


# ACLED's typology lives in one table, ingest/nlp/typology.py (read by the NLP too): the
# choices below are built from it.
EventType = models.TextChoices(
    "EventType", [(value.upper(), (value, label)) for value, label in typology.KINDS.items()])
EventType.__doc__ = """Our short kind of an event: what it means to the control log and the map.

``casualties`` and ``displacement`` are only for rows older than the typology."""
LEGACY_EVENT_TYPES = frozenset({"casualties", "displacement"})

AcledEventType = models.TextChoices(
    "AcledEventType", [(slug.upper(), (slug, label))
                       for slug, label in typology.EVENT_TYPES.items()])
SubEventType = models.TextChoices(
    "SubEventType", [(s.slug.upper(), (s.slug, s.label)) for s in typology.SUB_EVENT_TYPES])
FigureKind = models.TextChoices(
    "FigureKind", [(value.upper(), (value, label))
                   for value, label in typology.FIGURE_KINDS.items()])
# A siege is fought (an armed clash) or only told (other); old counts are "other".
_ALSO_FITS = {"siege": {"armed_clash", "other"}, "casualties": {"other"},
              "displacement": {"other"}}


def sub_type_fits(kind: str, sub_event_type: str) -> bool:
    """Whether an event of ``kind`` may have ``sub_event_type``."""
    sub = typology.SUB_EVENT_TYPE.get(sub_event_type)
    return sub is not None and (sub.kind == kind or sub_event_type in _ALSO_FITS.get(kind, ()))


def sub_type_for(kind: str, *, gainer_kind: str | None = None) -> str:
    """The sub-type of an event of ``kind`` when nothing finer is known; a change of control
    is the government's regaining when the gaining actor is state forces."""
    if kind == "control_change" and gainer_kind is not None:
        return typology.territory_sub_type(gainer_is_state=gainer_kind == "state_forces")
    return typology.DEFAULT_SUB_EVENT_TYPE.get(kind, "other")


def kind_for(sub_event_type: str, *, kind: str = "") -> str:
    """The kind an event takes with ``sub_event_type``: ``kind`` when it fits, else the
    sub-type's own (an editor correcting the sub-type moves the kind with it)."""
    if kind and sub_type_fits(kind, sub_event_type):
        return kind
    return typology.SUB_EVENT_TYPE[sub_event_type].kind


def sub_type_label(sub_event_type: str) -> str:
    sub = typology.SUB_EVENT_TYPE.get(sub_event_type)
    return sub.label if sub else ""


def event_type_label(event_type: str) -> str:
    return typology.EVENT_TYPES.get(event_type, "")


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"  # within a week of the date (ACLED's time_precision 2)
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class LocationPrecision(models.TextChoices):
    """How closely the event's place is known (ACLED's geo_precision 1, 2, 3)."""

    EXACT = "exact", "The place itself"
    NEAR = "near", "Near the place"
    REGION = "region", "Region (admin area)"
    COUNTRY = "country", "Country"
    UNKNOWN = "unknown", "Unknown"


class ReviewStatus(models.TextChoices):
    EXTRACTED = "extracted", "Extracted (not reviewed)"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into another event"


class ActorRole(models.TextChoices):
    GAINS_CONTROL = "gains_control", "Gains control"
    LOSES_CONTROL = "loses_control", "Loses control"
    SUPPORTER = "supporter", "Supporter"
    INITIATOR = "initiator", "Initiator"
    TARGET = "target", "Target"
    PARTY = "party", "Party"


class AccordRelation(models.TextChoices):
    VIOLATES = "violates", "Violates"
    IMPLEMENTS = "implements", "Implements"
    CONCERNS = "concerns", "Concerns"


class EventOrigin(models.TextChoices):
    PIPELINE = "pipeline", "Extraction pipeline"
    IMPORT = "import", "Dataset import"
    EDITOR = "editor", "Editor"


class ControlState(models.TextChoices):
    HELD = "held", "Held"
    CONTESTED = "contested", "Contested"


class ControlInference(models.TextChoices):
    """Why the control log holds a row no event reported as such (empty: reported)."""

    REPORTED = "", "Reported"
    LOSER = "loser", "Held before by the side that lost it"
    OPPONENT = "opponent", "Taken by the opponent fighting there when the holder withdrew"


class ControlEvidence(models.TextChoices):
    """How well an answer of the control log is backed, as the map and the API tell it."""

    VERIFIED = "verified", "Verified by an editor"
    CORROBORATED = "corroborated", "Several independent sources"
    SINGLE_SOURCE = "single_source", "One source, machine-extracted"


class ArticleStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (not extracted)"
    DUPLICATE = "duplicate", "Duplicate"


class ArticleOrigin(models.TextChoices):
    FEED = "feed", "Feed"
    URL = "url", "URL"
    FILE = "file", "File"
    TEXT = "text", "Pasted text"
    IMPORT = "import", "Dataset import"


class DuplicateKind(models.TextChoices):
    EXACT = "exact", "Same text"
    NEAR = "near", "Near-duplicate (syndicated copy)"


class MentionKind(models.TextChoices):
    PLACE = "place", "Place"
    ACTOR = "actor", "Actor"
    ACCORD = "accord", "Accord"
    EVENT = "event", "Event sentence"


class JobKind(models.TextChoices):
    URL = "url", "URL"
    TEXT = "text", "Text"
    FILE = "file", "File"
    FEED = "feed", "Feed"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RevisionAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    VERIFY = "verify", "Verified"
    REJECT = "reject", "Rejected"
    MERGE = "merge", "Merged"
    SPLIT = "split", "Split"
    REVERT = "revert", "Reverted"


class RevisionVia(models.TextChoices):
    EDITOR = "editor", "Editor (pages)"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    PIPELINE = "pipeline", "Pipeline"
    IMPORT = "import", "Import"
    COMMAND = "command", "Management command"
