import pytest

from .data import build_saraqib


@pytest.fixture
def saraqib(db):
    return build_saraqib()
