"""ConflictKB project package: settings, URLs and the Celery app."""

import os

# One math thread per process, set before numpy is first imported (by spaCy): the product
# runs a worker process per core, and OpenBLAS' own threads would only spin on the other
# cores' time (spaCy's models do not need them). A value set in the environment wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
