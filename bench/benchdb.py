"""A database of its own for benchmarks that write, so they never touch the dev data.

``use_bench_database()`` points Django at ``<dev database>_bench`` (created, migrated and
loaded with the gazetteer and registry the first time), before ``django.setup()``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgis://conflictkb:conflictkb@127.0.0.1:5432/conflictkb"


def bench_database_url() -> str:
    parsed = urlparse(os.environ.get("DATABASE_URL", DEFAULT_URL))
    return urlunparse(parsed._replace(path=parsed.path.rstrip("/") + "_bench"))


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env,
                   cwd=ROOT)


def use_bench_database(*, prepare: bool = True) -> str:
    """Select the bench database for this process and its children; returns its URL."""
    url = bench_database_url()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conflictkb.settings"}
    if prepare:
        import psycopg

        parsed = urlparse(url)
        admin = urlunparse(parsed._replace(path="/postgres")).replace("postgis://", "postgresql://")
        name = parsed.path.lstrip("/")
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                print(f"creating the bench database {name}", flush=True)
                conn.execute(f'CREATE DATABASE "{name}"')
        _manage("migrate", "--no-input", "-v", "0", env=env)
        _manage("load_gazetteer", "--if-empty", "-v", "1", env=env)
        _manage("load_registry", "-v", "0", env=env)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conflictkb.settings"})
    sys.path.insert(0, str(ROOT))
    return url
