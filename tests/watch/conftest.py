"""A webhook receiver on 127.0.0.1, a real Celery worker, and a small world to watch."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.gis.geos import Point

from events import services
from events.choices import ActorRole, EventType
from tests.factories import ActorFactory, PlaceFactory
from tests.workers import QUEUE_KEYS, Worker


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Receiver:
    """Records each POST; ``script[path]`` is a list of behaviours taken in turn (an int
    status, or ``("sleep", seconds, status)``), the last one repeated."""

    def __init__(self):
        self.script: dict[str, list] = {}
        self.posts: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    steps = receiver.script.get(self.path, [200])
                    seen = sum(1 for p in receiver.posts if p["path"] == self.path)
                    step = steps[min(seen, len(steps) - 1)]
                    post = {"path": self.path, "headers": dict(self.headers.items()),
                            "body": body, "answered": None}
                    receiver.posts.append(post)
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = step[2]
                try:
                    self.send_response(step)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    post["answered"] = step
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def to(self, path: str) -> list[dict]:
        return [p for p in self.posts if p["path"] == path]


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def webhook_settings(settings):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.WATCH_WEBHOOK_HTTPS_ONLY = False
    settings.WATCH_STALE_SECONDS = 2
    return settings


WORKER_ENV = {
    "FETCH_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
    "WATCH_WEBHOOK_HTTPS_ONLY": "false",
    "WATCH_RETRY_BACKOFF_SECONDS": "1",
    "WATCH_STALE_SECONDS": "2",
    "WATCH_WEBHOOK_TIMEOUT_SECONDS": "2",
}


@pytest.fixture
def broker():
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(*QUEUE_KEYS)
    yield client
    client.delete(*QUEUE_KEYS)


@pytest.fixture
def start_worker(tmp_path, broker):
    workers = []

    def start() -> Worker:
        workers.append(Worker(tmp_path / f"worker-{len(workers)}.log", env=WORKER_ENV,
                              start_timeout=90))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def take(place, gainer, loser=None, *, day=1, confidence=0.8):
    """A change of control at ``place``, written as the pages and the pipeline write it."""
    actors = [(gainer, ActorRole.GAINS_CONTROL)] + ([(loser, ActorRole.LOSES_CONTROL)]
                                                    if loser else [])
    return services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, day), "place": place,
                "confidence": confidence, "summary": f"{gainer} took {place.name}"},
        actors=actors)


@pytest.fixture
def world(db):
    """Two towns far apart and two forces."""
    return {
        "saraqib": PlaceFactory(name="Watchtown Saraqib", point=Point(36.8, 35.86, srid=4326),
                                country_code="SY"),
        "mosul": PlaceFactory(name="Watchtown Mosul", point=Point(43.13, 36.34, srid=4326),
                              country_code="IQ"),
        "army": ActorFactory(name="Watch Army"),
        "rebels": ActorFactory(name="Watch Rebels"),
    }


def body_json(post: dict) -> dict:
    return json.loads(post["body"])


@pytest.fixture(autouse=True)
def unthrottled(settings):
    # Throttle counters live in the shared cache: these tests must never meet them.
    settings.API_THROTTLE_RATES = {"user": "100000/hour", "anon": "100000/hour"}
