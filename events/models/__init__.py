"""The knowledge base's models, one module per area (NetBox layout)."""

from .accords import Accord
from .actors import Actor, ActorSupport
from .articles import Article, Feed, IngestJob, Mention, Source
from .control import ControlFlip
from .events import (
    EDITABLE_EVENT_FIELDS,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    typology_complete,
)
from .figures import Figure
from .history import Revision
from .places import GazetteerLoad, Place

__all__ = [
    "EDITABLE_EVENT_FIELDS",
    "Accord",
    "Actor",
    "ActorSupport",
    "Article",
    "ControlFlip",
    "Event",
    "EventAccord",
    "EventActor",
    "Evidence",
    "Feed",
    "Figure",
    "GazetteerLoad",
    "IngestJob",
    "Mention",
    "Place",
    "Revision",
    "Source",
    "typology_complete",
]
