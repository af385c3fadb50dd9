"""The test suite's settings: the product's, with a secret key of their own.

``SECRET_KEY`` is required when ``DEBUG`` is false (conflictkb/settings.py); tests run
with ``DEBUG`` false, as production does. The key goes into the environment, so the
workers and servers the tests start as subprocesses read the same one.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789abcdef")

from .settings import *  # noqa: E402,F403
