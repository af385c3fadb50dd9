"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictkb.settings")
application = get_wsgi_application()


def _freeze_loaded_objects() -> None:
    """Load the URLconf now (every view, serializer and filter set with it), then keep the
    ~130,000 objects loaded so far out of the cyclic garbage collector's full collections.

    They live as long as the process, yet every full collection walked them all: ~80 ms,
    once every 100-300 requests of the API's events page or control map, 0.3-0.5 ms a
    request on average and a stall of every request queued on the worker meanwhile. Frozen
    (``gc.freeze``), a full collection takes 1-3 ms. What was garbage at this point is
    collected first, so nothing is kept that would otherwise have been freed.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
    gc.collect()
    gc.freeze()


_freeze_loaded_objects()
