"""Start PostgreSQL/PostGIS and Redis for local use, unless they already answer.

``python -m conflictkb.services`` (``make services``). Servers named by DATABASE_URL
or REDIS_URL on another host are only checked, never started: that is how the product
runs against existing servers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import unquote, urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
PG_VERSION = "15"
PG_CLUSTER = "main"


def say(message: str) -> None:
    print(f"    {message}", flush=True)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(host: str, port: int, what: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(0.5)
    sys.exit(f"error: {what} did not start listening on {host}:{port} within {seconds}s")


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, **kwargs)


def as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["sudo", "-u", "postgres", *cmd]


def psql(sql: str) -> str:
    out = run(as_postgres(["psql", "-XAtq", "-d", "postgres", "-c", sql]), capture_output=True)
    return out.stdout.strip()


def ensure_postgres(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 5432
    user, password = unquote(parsed.username or ""), unquote(parsed.password or "")
    dbname = parsed.path.lstrip("/")
    if host not in LOCAL_HOSTS:
        if not port_open(host, port, timeout=5):
            sys.exit(f"error: PostgreSQL at {host}:{port} (DATABASE_URL) does not answer")
        say(f"PostgreSQL at {host}:{port} answers (not managed here)")
        return
    if port_open(host, port):
        say(f"PostgreSQL already listening on {host}:{port}")
    else:
        if not shutil.which("pg_ctlcluster"):
            sys.exit("error: pg_ctlcluster not found: run `make system` to install PostgreSQL")
        clusters = run(["pg_lsclusters", "-h"], capture_output=True).stdout
        if not any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in clusters.splitlines()):
            say(f"creating PostgreSQL cluster {PG_VERSION}/{PG_CLUSTER}")
            run(["pg_createcluster", PG_VERSION, PG_CLUSTER, "--port", str(port)])
        say(f"starting PostgreSQL {PG_VERSION}/{PG_CLUSTER}")
        run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start"])
        wait_for(host, port, "PostgreSQL")
    # The role is a superuser so that the test runner can create its database with PostGIS.
    if psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{user}'") != "1":
        say(f"creating database role {user}")
        psql(f"CREATE ROLE \"{user}\" LOGIN SUPERUSER PASSWORD '{password}'")
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'") != "1":
        say(f"creating database {dbname}")
        psql(f"CREATE DATABASE \"{dbname}\" OWNER \"{user}\"")
    run(as_postgres(["psql", "-XAtq", "-d", dbname, "-c",
                     "CREATE EXTENSION IF NOT EXISTS postgis"]), capture_output=True)
    say(f"database {dbname} ready with PostGIS")


# Redis keeps the broker's queues and the cache. The cache's entries expire, so they are
# the ones evicted (least recently used first) when Redis reaches this size; the queues
# and the cache's version numbers have no expiry and are never evicted.
REDIS_MAXMEMORY = "1gb"


def redis_arguments(port: int, maxmemory: str | None = None) -> list[str]:
    """The redis-server command line of a local Redis (runs in the foreground)."""
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no",
            "--maxmemory", maxmemory or os.environ.get("REDIS_MAXMEMORY", REDIS_MAXMEMORY),
            "--maxmemory-policy", "volatile-lru"]


def ensure_redis(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if port_open(host, port):
        say(f"Redis already listening on {host}:{port}")
        return
    if host not in LOCAL_HOSTS:
        sys.exit(f"error: Redis at {host}:{port} (REDIS_URL) does not answer")
    if not shutil.which("redis-server"):
        sys.exit("error: redis-server not found: run `make system` to install Redis")
    say(f"starting Redis on port {port}")
    run([*redis_arguments(port), "--daemonize", "yes"], capture_output=True)
    wait_for(host, port, "Redis")


def main() -> None:
    ensure_postgres(os.environ.get("DATABASE_URL",
                                   "postgis://conflictkb:conflictkb@127.0.0.1:5432/conflictkb"))
    ensure_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


if __name__ == "__main__":
    main()
