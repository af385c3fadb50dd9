"""Real Celery workers for the tests: a `celery worker` subprocess on the test database and
the tests' Redis, in its own process group so that kill() takes its pool processes too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

from conflictkb.celery import app

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")
# Broker keys a killed worker may leave behind.
QUEUE_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def worker_env(**extra: str) -> dict:
    """The environment of a worker (or beat) on the test database and the tests' Redis."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                        f"{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "FETCH_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        **extra,
    }


class Worker:
    """A `celery worker` subprocess on the test database; stop() or kill() it."""

    def __init__(self, log_path: Path, *, env: dict[str, str] | None = None,
                 start_timeout: float = 60):
        self.name = f"ckbtest-{uuid.uuid4().hex[:8]}@localhost"
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(CELERY), "-A", "conflictkb", "worker", "-l", "info", "-c", "1", "-n", self.name,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=worker_env(**(env or {})), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_for(lambda: self.proc.poll() is not None or app.control.ping(
            destination=[self.name], timeout=0.5), timeout=start_timeout,
            what="the worker to start", interval=0.2)
        assert self.proc.poll() is None, log_path.read_text()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as an OOM killer or a power cut would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
