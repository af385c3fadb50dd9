"""Write functions: every change to the knowledge base goes through here (HackSoft style)."""

from .control import control_log_rebuild, control_log_sync
from .events import (
    event_correct,
    event_create,
    event_merge,
    event_reject,
    event_revert,
    event_split,
    event_verify,
)
from .history import revision_record, revisions_for, snapshot

__all__ = [
    "control_log_rebuild",
    "control_log_sync",
    "event_correct",
    "event_create",
    "event_merge",
    "event_reject",
    "event_revert",
    "event_split",
    "event_verify",
    "revision_record",
    "revisions_for",
    "snapshot",
]
