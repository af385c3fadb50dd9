"""Replays the security and fault probe of issue 18 against the deployed web server
(gunicorn, DEBUG=false) on the bench database, and prints what each attack got and how
long /health/ took meanwhile.

Loopback only (every server is started here on 127.0.0.1), bounded: at most
``MAX_REQUESTS`` requests, each with a timeout, the whole run stopped after
``DEADLINE_S`` seconds; the servers it started are stopped at the end.

    .venv/bin/python bench/abuse.py [--workers 2]

1. spoofed X-Forwarded-For after the anonymous throttle said 429;
2. parallel anonymous exports (the whole gazetteer as GeoJSON, CSVs) from four "addresses";
3. a 30,000-item feed (2.4 MB) served from 127.0.0.1, polled as the worker polls it;
4. a plain-text document with a NUL byte after its first 8 KB, and NUL in query strings.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchdb import use_bench_database  # noqa: E402

DEADLINE_S = 300
MAX_REQUESTS = 600
FEED_ITEMS = 30000
_sent = 0
_started = time.monotonic()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, *, headers: dict | None = None, timeout: float = 60):
    """GET on 127.0.0.1 only, counted against MAX_REQUESTS and DEADLINE_S."""
    import requests

    global _sent
    assert url.startswith("http://127.0.0.1:"), url
    if _sent >= MAX_REQUESTS or time.monotonic() - _started > DEADLINE_S:
        raise SystemExit("stopped: the bench's request or time budget is spent")
    _sent += 1
    started = time.monotonic()
    response = requests.get(url, headers=headers or {}, timeout=timeout, stream=True)
    size, head = 0, b""
    for chunk in response.iter_content(65536):
        size += len(chunk)
        head = head or chunk[:300]
    response.close()
    response.head = head.decode("utf-8", "replace")
    return response, size, time.monotonic() - started


class Web:
    """gunicorn with the deployment's gunicorn.conf.py, on the bench database."""

    def __init__(self, database_url: str, workers: int):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
               "DJANGO_SETTINGS_MODULE": "conflictkb.settings",
               "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
               "ANONYMOUS_READ": "true", "API_THROTTLE_ANON": "60/minute",
               "TRUSTED_PROXY_COUNT": "0", "WEB_CONCURRENCY": str(workers),
               "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "conflictkb.wsgi:application",
             "--config", "gunicorn.conf.py", "--log-level", "error"],
            cwd=ROOT, env=env, start_new_session=True)
        import requests

        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.url("/health/"), timeout=2)
                return
            except requests.RequestException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class HealthProbe(threading.Thread):
    """Asks /health/ every 0.2 s (a bounded number of times) and keeps the latencies."""

    def __init__(self, web: Web, limit: int = 600):
        super().__init__(daemon=True)
        self.web, self.limit, self.times, self.failures = web, limit, [], 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        import requests

        while not self.stop_event.wait(0.2) and len(self.times) < self.limit:
            started = time.monotonic()
            try:
                ok = requests.get(self.web.url("/health/"), timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            self.times.append(time.monotonic() - started)
            self.failures += not ok

    def summary(self) -> str:
        self.stop_event.set()
        self.join(35)
        ms = sorted(t * 1000 for t in self.times)
        if not ms:
            return "no sample"
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        return (f"{len(ms)} samples, median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
                f"max {ms[-1]:.0f} ms, failed {self.failures}")


def statuses(codes: list[int]) -> str:
    return ", ".join(f"{code}: {codes.count(code)}" for code in sorted(set(codes)))


def spoofed_headers(web: Web) -> None:
    url = web.url("/api/v1/events/")
    own = [get(url)[0].status_code for _ in range(65)]
    forged = [get(url, headers={"X-Forwarded-For": f"203.0.113.{i}"})[0].status_code
              for i in range(50)]
    print(f"1. throttle 60/minute: 65 plain requests -> {statuses(own)}; then 50 with 50 "
          f"different X-Forwarded-For -> {statuses(forged)}")


def parallel_exports(web: Web) -> None:
    paths = ["/api/v1/places/?format=geojson"] * 2 + [
        "/api/v1/places/?format=geojson&min_population=40000"] * 3 + [
        "/api/v1/places/?format=csv&country=SY"] * 3

    def export(i: int):
        path = paths[i]
        response, size, seconds = get(web.url(path),
                                      headers={"X-Forwarded-For": f"198.51.100.{i}"},
                                      timeout=120)
        return path, response.status_code, size, seconds, response.head[:110] if size < 400 else ""

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(export, range(8)))
    print("2. eight parallel anonymous exports, each with its own spoofed X-Forwarded-For:")
    for path, status, size, seconds, text in results:
        print(f"   {path:52} -> {status} {size / 1e6:6.2f} MB {seconds:6.2f} s {text}")


class _Files(BaseHTTPRequestHandler):
    routes: dict[str, tuple[str, bytes]] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        content_type, body = self.routes.get(self.path, ("text/plain", b"not found"))
        self.send_response(200 if self.path in self.routes else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def feed_and_nul_document(web: Web) -> None:
    from django.conf import settings

    from events.choices import JobKind
    from events.models import Article, Feed, IngestJob
    from events.services.articles import article_submit_url, feed_submit
    from ingest.tasks import run_job

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(f"<item><title>Item {i}</title><link>{base}/item/{i}</link>"
                    f"<pubDate>Tue, 25 Feb 2020 09:30:00 GMT</pubDate></item>"
                    for i in range(FEED_ITEMS))
    _Files.routes["/feed"] = ("application/rss+xml", (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>{base}/</link>{items}</channel></rss>").encode())
    paragraph = ("Government forces captured the town after three days of fighting with "
                 "opposition groups, a monitor said on Tuesday. ") * 4
    _Files.routes["/nul.txt"] = ("text/plain; charset=utf-8", (
        "\n\n".join([paragraph] * 40) + "\n\nA NUL \x00 here.\n\n" + paragraph).encode())
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    try:
        job = feed_submit(url=f"{base}/feed", queue=False)
        started = time.monotonic()
        run_job(job.pk, queue=False)
        job.refresh_from_db()
        feed = Feed.objects.get(url=f"{base}/feed")
        made = IngestJob.objects.filter(options__feed_id=feed.pk, kind=JobKind.URL).count()
        size = len(_Files.routes["/feed"][1]) / 1e6
        print(f"3. a {FEED_ITEMS:,}-item feed ({size:.1f} MB), polled once: {job.status} in "
              f"{time.monotonic() - started:.1f} s, {made} URL jobs made (cap "
              f"{settings.FEED_MAX_NEW_ENTRIES}), feed status {feed.last_status!r}, "
              f"next poll due {'now' if not feed.etag else 'later'}: {job.message}")
        IngestJob.objects.filter(options__feed_id=feed.pk).delete()
        feed.delete()
        job = article_submit_url(url=f"{base}/nul.txt", queue=False)
        run_job(job.pk, queue=False)
        job.refresh_from_db()
        article = Article.objects.get(pk=job.article_id) if job.article_id else None
        print(f"4. a text/plain document with a NUL after 8 KB: job {job.status} "
              f"({job.message}); NUL stored: {article is not None and chr(0) in article.text}")
        if article is not None:
            article.delete()
        job.delete()
    finally:
        server.shutdown()
    for path in ("/search/?q=%00", "/places/lookup.json?q=%00", "/api/v1/events/?q=%00",
                 "/api/v1/places/?q=%00"):
        response, _, _ = get(web.url(path))
        print(f"   {path:28} -> {response.status_code} {response.head.strip()[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "0" * 40)
    url = use_bench_database()
    import django

    django.setup()
    from django.core.cache import cache

    client = cache.redis()

    def forget_limits() -> None:
        for pattern in ("ckb:*throttle_log_*", "ckb:*export:*"):
            keys = list(client.scan_iter(match=pattern))
            if keys:
                client.delete(*keys)
    forget_limits()
    web = Web(url, args.workers)
    try:
        idle = HealthProbe(web, limit=25)
        idle.start()
        time.sleep(5.5)
        print(f"/health/ idle: {idle.summary()}")
        probe = HealthProbe(web)
        probe.start()
        spoofed_headers(web)
        forget_limits()  # as if the client waited out the throttle's minute
        parallel_exports(web)
        print(f"/health/ during 1-2: {probe.summary()}")
        probe = HealthProbe(web)
        probe.start()
        feed_and_nul_document(web)
        print(f"/health/ during 3-4: {probe.summary()}")
    finally:
        web.stop()
    print(f"{_sent} requests in {time.monotonic() - _started:.0f} s")


if __name__ == "__main__":
    main()
