"""The one hook into the knowledge base's writes: after a commit that changed events, the
control log, places or actors, queue the matcher (``watch.tasks.dispatch_changes``).

The change rows themselves are written by triggers (``watch.triggers``); this only wakes
the matcher early. A lost nudge loses nothing: beat runs the matcher every minute, and it
reads on from its cursor.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from events.services.history import revisions_written


def _queue_dispatch() -> None:
    from .tasks import dispatch_changes

    try:
        dispatch_changes.delay()
    except Exception:  # noqa: BLE001  (a broker outage: beat's run picks the changes up)
        import logging

        logging.getLogger(__name__).warning("could not queue the watch matcher", exc_info=True)


def changes_written(**_kwargs) -> None:
    """Queue the matcher once per transaction, after it commits."""
    if connection.in_atomic_block and any(
            callback is _queue_dispatch for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_queue_dispatch)


revisions_written.connect(changes_written, dispatch_uid="watch-revisions")
for _signal in (post_save, post_delete):
    for _sender in ("events.Event", "events.ControlFlip", "events.Place", "events.Actor"):
        _signal.connect(changes_written, sender=_sender,
                        dispatch_uid=f"watch-{_signal is post_save}-{_sender}")
