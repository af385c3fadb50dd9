"""Shared helpers of the benchmarks: making the repository importable, reading the data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_path() -> None:
    """Let ``python bench/x.py`` import the project from any working directory."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def read_jsonl(path: str | Path) -> list[dict]:
    """Rows of a JSON-lines file; a relative path is taken from the working directory,
    then from the repository root."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = ROOT / p
    with p.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
