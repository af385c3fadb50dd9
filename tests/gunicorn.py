"""The web server as deployed (gunicorn with gunicorn.conf.py) on a free loopback port, on
the test database: for tests of what only a real server shows (client addresses, parallel
requests, streamed answers). Rows must be committed (transactional tests) to be seen."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``with Gunicorn(ENV=...) as server: requests.get(server.url("/health/"))``."""

    def __init__(self, workers: int = 2, **env: str):
        db = connection.settings_dict
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                            f"{db['NAME']}",
            "CACHE_URL": settings.CACHES["default"]["LOCATION"],
            "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
            "WEB_CONCURRENCY": str(workers), "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            **env,
        }

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Gunicorn:
        self.proc = subprocess.Popen(
            [str(GUNICORN), "conflictkb.wsgi:application", "--config", "gunicorn.conf.py",
             "--log-level", "warning"], cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "gunicorn exited while starting"
            try:
                requests.get(self.url("/health/"), timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise AssertionError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
