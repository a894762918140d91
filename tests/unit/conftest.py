"""Fixtures the unit tests share."""

import pytest

from tracebreak.store.database import Database


@pytest.fixture
def db(tmp_path):
    """An empty trace store's database (a test module may define its own, filled)."""
    database = Database(tmp_path / "traces.db")
    yield database
    database.close()
