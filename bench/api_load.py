"""Latency of the API under load, against a seeded database, with wrk from another process.

    python bench/api_load.py [--events 1000000] [--places 50000] [--db conflictkb_load]
                             [--duration 20] [--connections 16] [--threads 2] [--workers N]
                             [--only NAME ...]

Seeds ``--db`` with bench/seed.py unless it already holds ``--events`` events (so a second
run reuses the seeded database: only migrations are applied), starts the product's server
(gunicorn ``conflictkb.wsgi`` with the deployment's gunicorn.conf.py, which runs a sync worker
per core, or ``--workers`` of them; DEBUG off, anonymous reads on,
throttling raised out of the way, the cache in Redis as in production: ``CACHE_URL``, else
Redis DB 1 of ``REDIS_URL``) on a free port, and measures with ``wrk -c16 -t2``
(bench/wrk/report.lua), each endpoint after warm-up requests:

a. an events page with a bounding box and a date range (never cached);
b. the control-at-date GeoJSON of one country: ``control`` asks for one date again and again
   (served from the cache after the first), ``control_cold`` for a different date each time
   after the cache was expired (every answer computed);
c. the control timeline of the place with the longest history (``timeline``, cached), of
   every place with a history in turn after the cache was expired (``timeline_cold``), of a
   90th-percentile place (``timeline_p90``); ``timeline_longest_cold`` asks for the longest
   one client at a time, expiring the cache before each request;

then (d) streams a CSV export of ~``--export-rows`` events, counting rows per second and
sampling the resident memory (VmRSS, VmHWM) of the gunicorn worker that serves it.
Targets: p95 < 100 ms at 16 clients for a-c; the export > 20,000 rows/s, memory flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed import ensure_seeded  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "wrk" / "report.lua"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
VENV_BIN = Path(sys.executable).parent
P95_TARGET_MS = 100
EXPORT_TARGET_ROWS_S = 20_000
LOAD_ENDPOINTS = ("events_page", "control", "control_cold", "timeline", "timeline_cold",
                  "timeline_p90")
# Asked for a different path each time, after the cache was expired: every answer computed.
COLD_ENDPOINTS = ("control_cold", "timeline_cold")
COLD_SEQUENTIAL = 20  # requests for timeline_longest_cold


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_cache_url() -> str:
    """The product's default cache: ``CACHE_URL``, else DB 1 of ``REDIS_URL``."""
    if os.environ.get("CACHE_URL"):
        return os.environ["CACHE_URL"]
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/1"


def server_env(url: str, *, cache: str = "locmem") -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conflictkb.settings",
            "DEBUG": "false", "ANONYMOUS_READ": "true",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "0" * 40,
            # Per second: DRF keeps (and pickles) every request time of the window, and an
            # hour's worth at hundreds of requests a second became the bench's hot spot.
            "API_THROTTLE_ANON": "1000000/second", "API_THROTTLE_USER": "1000000/second",
            "CACHE_URL": cache, "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Connections kept for the whole run, so the CPU time of the Postgres backends
            # that served each endpoint can be read before and after it.
            "DB_CONN_MAX_AGE": "3600",
            "SECURE_SSL_REDIRECT": "false"}


def gunicorn_settings(workers: int | None) -> dict:
    """Workers and worker class the server runs with: gunicorn.conf.py's, or ``workers``."""
    config = runpy.run_path(str(GUNICORN_CONF))
    return {"workers": workers or config["workers"], "worker_class": config["worker_class"]}


def start_server(url: str, *, workers: int | None, port: int,
                 cache: str = "locmem") -> subprocess.Popen:
    env = server_env(url, cache=cache)
    gunicorn = shutil.which("gunicorn", path=str(VENV_BIN)) or "gunicorn"
    # The deployment's settings (gunicorn.conf.py); the command line wins over them.
    proc = subprocess.Popen(
        [gunicorn, "conflictkb.wsgi:application", "--config", str(GUNICORN_CONF),
         "--bind", f"127.0.0.1:{port}", *(["--workers", str(workers)] if workers else []),
         "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code < 500:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            sys.exit("gunicorn exited while starting")
        time.sleep(0.3)
    stop_server(proc)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _processes(filename: str, *, binary: bool = False):
    """(pid, contents of /proc/PID/``filename``) of every process still there."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            path = entry / filename
            try:
                yield int(entry.name), (path.read_bytes() if binary else path.read_text())
            except OSError:
                continue


def worker_pids(master: int) -> list[int]:
    return [pid for pid, stat in _processes("stat")
            if int(stat.rsplit(")", 1)[1].split()[1]) == master]


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in kB, or (0, 0) when it is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0])
    except OSError:
        return 0, 0
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def database_pids(name: str) -> list[int]:
    """The Postgres backends serving database ``name``."""
    return [pid for pid, command in _processes("cmdline", binary=True)
            if command.startswith(b"postgres:") and f" {name} ".encode() in command]


def machine_busy_ms() -> float:
    """CPU time (ms) every process on the machine has spent, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) * 1000 / os.sysconf("SC_CLK_TCK")


def children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def cpu_snapshot(pids: list[int]) -> dict[int, int]:
    return {pid: cpu_ticks(pid) for pid in pids}


def cpu_ms_since(before: dict[int, int], pids: list[int]) -> float:
    """CPU time (ms) the processes ``pids`` spent since ``before`` (a new one: all of it)."""
    ticks = sum(max(cpu_ticks(pid) - before.get(pid, 0), 0) for pid in pids)
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, *, duration: int, connections: int, threads: int,
            paths: Path | None = None) -> dict:
    """wrk on ``url``, or on each line of ``paths`` in turn (never one twice while they last)."""
    extra = ["--", str(paths), str(threads)] if paths else []
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
         "-s", str(LUA), url, *extra], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")


def pick_targets(url: str, *, export_rows: int) -> dict:
    """Parameters that select realistic, non-trivial data in the seeded database."""
    import psycopg

    with psycopg.connect(url.replace("postgis://", "postgresql://", 1)) as conn:
        run = conn.execute
        place_id, flips = run("""
            SELECT place_id, count(*) FROM events_controlflip
            GROUP BY place_id ORDER BY count(*) DESC, place_id LIMIT 1""").fetchone()
        # And a more typical long history: the place at the 90th percentile of log rows.
        typical_id, typical_flips = run("""
            WITH counts AS (SELECT place_id, count(*) AS n FROM events_controlflip
                            GROUP BY place_id)
            SELECT place_id, n FROM counts
            WHERE n >= (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY n) FROM counts)
            ORDER BY n, place_id LIMIT 1""").fetchone()
        # A year of Syria's north-west: the bbox around Idlib and Aleppo.
        bbox = "35.5,35.0,38.0,37.0"
        date_from, date_to = "2019-01-01", "2019-12-31"
        page_matches = run("""
            SELECT count(*) FROM events_event e JOIN events_place p ON p.id = e.place_id
            WHERE e.review_status IN ('extracted', 'verified')
              AND e.date BETWEEN %s AND %s
              AND p.point && ST_MakeEnvelope(35.5, 35.0, 38.0, 37.0, 4326)""",
                           [date_from, date_to]).fetchone()[0]
        # The export: Syria from 2012 on, up to the date that makes ~export_rows rows.
        dates = run("""
            SELECT e.date FROM events_event e JOIN events_place p ON p.id = e.place_id
            WHERE p.country_code = 'SY' AND e.review_status IN ('extracted', 'verified')
            ORDER BY e.date OFFSET %s LIMIT 1""", [export_rows - 1]).fetchone()
        export_to = dates[0].isoformat() if dates else "2024-12-31"
        export_count = run("""
            SELECT count(*) FROM events_event e JOIN events_place p ON p.id = e.place_id
            WHERE p.country_code = 'SY' AND e.review_status IN ('extracted', 'verified')
              AND e.date <= %s""", [export_to]).fetchone()[0]
        # Cold answers: Syria on every day of 2012-2024, every place with a control history,
        # each in an order of its own (the same every run).
        days = [dt.date(2012, 1, 1) + dt.timedelta(days=n) for n in range(366 * 13)
                if dt.date(2012, 1, 1) + dt.timedelta(days=n) <= dt.date(2024, 12, 31)]
        places = [pk for (pk,) in run("SELECT DISTINCT place_id FROM events_controlflip "
                                      "ORDER BY 1")]
    random.Random(4).shuffle(days)
    random.Random(4).shuffle(places)
    return {
        "events_page": "/api/v1/events/?" + urlencode(
            {"bbox": bbox, "date_from": date_from, "date_to": date_to}),
        "events_page_matches": page_matches,
        "control": "/api/v1/control/?" + urlencode({"date": "2020-02-10", "country": "SY"}),
        "control_cold": [
            "/api/v1/control/?" + urlencode({"date": day.isoformat(), "country": "SY"})
            for day in days],
        "timeline_cold": [f"/api/v1/places/{pk}/control/" for pk in places],
        "timeline": f"/api/v1/places/{place_id}/control/",
        "timeline_flips": flips,
        "timeline_p90": f"/api/v1/places/{typical_id}/control/",
        "timeline_p90_flips": typical_flips,
        "export": "/api/v1/events/?" + urlencode(
            {"format": "csv", "country": "SY", "date_to": export_to}),
        "export_expected": export_count,
    }


def measure_export(base: str, path: str, master: int) -> dict:
    """Stream the export; rows/s, and the serving worker's memory sampled every 50 ms."""
    import requests

    workers = worker_pids(master)
    before = {pid: memory_kb(pid) for pid in workers}
    ticks = {pid: cpu_ticks(pid) for pid in workers}
    samples: dict[int, list[tuple[float, int]]] = {pid: [] for pid in workers}
    progress = {"rows": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in workers:
                samples[pid].append((progress["rows"], memory_kb(pid)[0]))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    first_byte = None
    size = 0
    with requests.get(base + path, stream=True, timeout=600) as response:
        status = response.status_code
        for chunk in response.iter_content(chunk_size=65536):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            progress["rows"] += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    # The worker that served the export is the one that spent the CPU time.
    busiest = max(workers, key=lambda pid: cpu_ticks(pid) - ticks[pid])
    series = samples[busiest]
    rows = max(progress["rows"] - 1, 0)  # the header line
    quartiles = []
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        at = [rss for r, rss in series if r >= fraction * rows] or [series[-1][1]]
        quartiles.append((fraction, at[0]))
    return {
        "status": status, "rows": rows, "bytes": size, "seconds": seconds,
        "first_byte_s": first_byte or seconds, "rows_per_s": rows / seconds if seconds else 0,
        "worker": busiest, "rss_before_kb": before[busiest][0],
        "hwm_before_kb": before[busiest][1], "rss_peak_kb": max(r for _, r in series),
        "hwm_after_kb": memory_kb(busiest)[1], "rss_by_progress": quartiles,
    }


def expire_control_cache(url: str, cache: str) -> None:
    """Expire the server's cached control answers, as a write of the control log does."""
    if "django" not in sys.modules:
        os.environ.update(server_env(url, cache=cache))
        import django

        django.setup()
    from events.caching import control_log_changed

    control_log_changed()


def timeline_cold_sequential(base: str, path: str, url: str, cache: str) -> dict:
    """One client, the cache expired before each request: the answer computed every time."""
    import requests

    times = []
    for _ in range(COLD_SEQUENTIAL):
        expire_control_cache(url, cache)
        started = time.perf_counter()
        answer = requests.get(base + path, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    times.sort()
    return {"requests": len(times), "p50_ms": statistics.median(times),
            "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1],
            "bytes": len(answer.content), "load": load_average()}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--db", default="conflictkb_load")
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py's, one per core)")
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--only", nargs="*",
                        choices=[*LOAD_ENDPOINTS, "timeline_longest_cold", "export"],
                        help="measure only these")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk)")

    url = ensure_seeded(args.db, events=args.events, places=args.places)
    targets = pick_targets(url, export_rows=args.export_rows)
    cache = redis_cache_url()
    expire_control_cache(url, cache)  # the seed writes the control log behind the ORM's back
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = gunicorn_settings(args.workers)
    args.workers = gunicorn["workers"]
    print(f"\nserver: gunicorn, {args.workers} {gunicorn['worker_class']} workers, {base}, "
          f"cache {cache}; {os.cpu_count()} CPUs; load average before: {load_average()}",
          flush=True)
    server = start_server(url, workers=args.workers, port=port, cache=cache)
    results = {}
    try:
        import requests

        wanted = args.only or [*LOAD_ENDPOINTS, "timeline_longest_cold", "export"]
        for name in LOAD_ENDPOINTS:
            if name not in wanted:
                continue
            paths_file = None
            if name in COLD_ENDPOINTS:
                paths = targets[name]
                warm_path = paths[-1]  # never asked for by wrk before it runs out
                handle = tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False)
                handle.write("\n".join(paths[:-1]) + "\n")
                handle.close()
                paths_file = Path(handle.name)
                shown = f"{len(paths) - 1:,} paths like {paths[0]}"
            else:
                warm_path = shown = targets[name]
            # Warm up: every worker imports, connects and fills its caches before timing.
            for _ in range(args.workers * 2):
                warm = requests.get(base + warm_path, timeout=120)
            if name in COLD_ENDPOINTS:
                expire_control_cache(url, cache)
            print(f"{name}: {shown} -> {warm.status_code}, {len(warm.content):,} bytes",
                  flush=True)
            # CPU time per request of the workers and of Postgres: steadier than latencies
            # on a machine shared with other jobs.
            app_before = cpu_snapshot(worker_pids(server.pid))
            database_before = cpu_snapshot(database_pids(args.db))
            busy_before, wrk_before = machine_busy_ms(), children_cpu_ms()
            try:
                results[name] = run_wrk(base + warm_path, duration=args.duration,
                                        connections=args.connections, threads=args.threads,
                                        paths=paths_file)
            finally:
                if paths_file:
                    paths_file.unlink()
            requests_done = max(results[name]["requests"], 1)
            app_ms = cpu_ms_since(app_before, worker_pids(server.pid))
            database_ms = cpu_ms_since(database_before, database_pids(args.db))
            results[name]["app_cpu_ms"] = app_ms / requests_done
            results[name]["db_cpu_ms"] = database_ms / requests_done
            # What the rest of the machine took meanwhile (other jobs), in cores.
            others_ms = (machine_busy_ms() - busy_before - app_ms - database_ms
                         - (children_cpu_ms() - wrk_before))
            results[name]["other_cores"] = max(others_ms, 0) / 1000 / results[name]["seconds"]
            if paths_file and results[name]["requests"] > len(targets[name]) - 1:
                print(f"  {name}: more requests than paths, some answers were cached",
                      flush=True)
            results[name]["bytes"] = len(warm.content)
            results[name]["load"] = load_average()
            print(f"  {json.dumps(results[name])}", flush=True)
        if "timeline_longest_cold" in wanted:
            results["timeline_longest_cold"] = timeline_cold_sequential(
                base, targets["timeline"], url, cache)
            print(f"timeline_longest_cold: {json.dumps(results['timeline_longest_cold'])}",
                  flush=True)
        if "export" in wanted:
            print(f"export: {targets['export']} (expecting {targets['export_expected']:,} rows)",
                  flush=True)
            results["export"] = measure_export(base, targets["export"], server.pid)
            print(f"  {json.dumps(results['export'])}", flush=True)
    finally:
        stop_server(server)

    print(f"\n## API under load: {args.events:,} events, {args.places:,} places, "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
          f"gunicorn {args.workers} {gunicorn['worker_class']} workers, {os.cpu_count()} CPUs "
          "shared with the database and wrk (and any other process on the machine)\n")
    notes = {"events_page": f"{targets['events_page_matches']:,} events match; first page",
             "control": "Syria on 2020-02-10, cached",
             "control_cold": "Syria, a different date each time, computed",
             "timeline": f"longest history, {targets['timeline_flips']:,} control-log rows, "
                         "cached",
             "timeline_cold": "a different place each time, computed",
             "timeline_p90": f"90th-percentile place, {targets['timeline_p90_flips']:,} rows, "
                             "cached"}
    print(f"| {'endpoint':<13} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | {'req/s':>7} "
          f"| {'CPU ms/req app + db':>19} | {'non-2xx':>7} | {'target p95 < 100 ms':<19} "
          "| notes |")
    print(f"|{'-' * 15}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 21}|{'-' * 9}|"
          f"{'-' * 21}|-------|")
    for name in LOAD_ENDPOINTS:
        if name in results:
            r = results[name]
            ok = "met" if r["p95_ms"] < P95_TARGET_MS and not r["non2xx"] else "MISSED"
            cpu = f"{r['app_cpu_ms']:.1f} + {r['db_cpu_ms']:.1f}"
            print(f"| {name:<13} | {r['p50_ms']:7.1f} | {r['p95_ms']:7.1f} | {r['p99_ms']:7.1f} "
                  f"| {r['rps']:7.1f} | {cpu:>19} | {r['non2xx']:7d} | {ok:<19} "
                  f"| {notes[name]}, {r['bytes']:,} bytes; other jobs used "
                  f"{r['other_cores']:.1f} of the {os.cpu_count()} cores meanwhile |")
    if "timeline_longest_cold" in results:
        r = results["timeline_longest_cold"]
        print(f"\ntimeline of the longest history, computed (one client, cache expired before "
              f"each of {r['requests']} requests): p50 {r['p50_ms']:.1f} ms, p95 "
              f"{r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms; load {r['load']}")
    if "export" in results:
        e = results["export"]
        ok = "met" if e["rows_per_s"] > EXPORT_TARGET_ROWS_S else "MISSED"
        print(f"\nexport (CSV, one client): {e['rows']:,} rows, {e['bytes'] / 1e6:.1f} MB in "
              f"{e['seconds']:.1f} s = {e['rows_per_s']:,.0f} rows/s (target > "
              f"{EXPORT_TARGET_ROWS_S:,}: {ok}); first byte after {e['first_byte_s']:.2f} s; "
              f"HTTP {e['status']}")
        print(f"worker {e['worker']} memory: RSS {e['rss_before_kb'] / 1024:.0f} MB before, "
              f"peak {e['rss_peak_kb'] / 1024:.0f} MB during; VmHWM {e['hwm_before_kb'] / 1024:.0f}"
              f" -> {e['hwm_after_kb'] / 1024:.0f} MB")
        print("RSS by progress: " + ", ".join(
            f"{int(f * 100)}% {kb / 1024:.0f} MB" for f, kb in e["rss_by_progress"]))


if __name__ == "__main__":
    main()
