"""The store's file carries its schema version: a new file gets the tables, and a file of another
schema (tracebreak 0.1.0 wrote none) is refused in one line that says what to do, before anything
starts or is written."""

import sqlite3

import pytest

from tests.support.cli import tracebreak
from tracebreak.runtime.ports import Ports
from tracebreak.store.database import Database
from tracebreak.store.schema import SCHEMA_VERSION, SchemaError

# The spans table as tracebreak 0.1.0 wrote it: tags twice, and no schema version.
UNVERSIONED = """
CREATE TABLE spans (
    id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
    parent_span_id TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL, kind TEXT NOT NULL,
    start_us INTEGER NOT NULL, duration_us INTEGER NOT NULL, tags TEXT NOT NULL, logs TEXT NOT NULL,
    refs TEXT NOT NULL, process_tags TEXT NOT NULL, received_us INTEGER NOT NULL, tag_map TEXT,
    request_id TEXT, UNIQUE (trace_id, span_id)
);
INSERT INTO spans VALUES (1, 'ab', 'cd', '', 'service-a', 'GET /orders', 'server', 1, 1, '[]', '[]',
    '[]', '[]', 1, '{}', NULL);
"""


def unversioned(path):
    with sqlite3.connect(path) as raw:
        raw.executescript(UNVERSIONED)
    raw.close()
    return path


def newer(path):
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()


def columns(path) -> set[str]:
    with sqlite3.connect(path) as raw:
        found = {row[1] for row in raw.execute("PRAGMA table_info(spans)")}
    raw.close()
    return found


def one_line_saying(result, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(word in lines[0] for word in words), lines[0]


def test_tracebreak_store_refuses_a_file_of_tracebreak_0_1_0(tmp_path):
    path = unversioned(tmp_path / "old.db")
    ports = Ports.free()
    result = tracebreak(
        "store", "--db", str(path), "--otlp-port", str(ports.otlp), "--query-port", str(ports.query)
    )
    one_line_saying(result, str(path), "no schema version", "delete it, or pass a new --db")
    assert "tag_map" in columns(path), "the refused file was changed"


def test_tracebreak_up_refuses_it_before_anything_starts(tmp_path):
    unversioned(tmp_path / "traces.db")
    result = tracebreak("up", "--data-dir", str(tmp_path))
    one_line_saying(result, "traces.db", "no schema version", "delete it, or pass a new --data-dir")
    assert "starting the local stack" not in result.stdout
    assert not (tmp_path / "logs").exists()


def test_a_new_file_gets_the_schema_and_opens_again(tmp_path):
    Database(tmp_path / "traces.db").close()
    with sqlite3.connect(tmp_path / "traces.db") as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()
    assert "tag_map" not in columns(tmp_path / "traces.db")
    Database(tmp_path / "traces.db").close()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: unversioned(path), "no schema version"),
        (
            lambda path: sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}"),
            "a newer",
        ),
        (lambda path: path.write_bytes(b"not a database at all, but long enough" * 100), "not an SQLite"),
    ],
)
def test_the_database_refuses_what_it_does_not_keep(tmp_path, make, said):
    make(tmp_path / "traces.db")
    with pytest.raises(SchemaError, match=said):
        Database(tmp_path / "traces.db")
