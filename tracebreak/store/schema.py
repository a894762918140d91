"""The store's tables, and the version a file of them carries (SQLite's `user_version`): a new file
gets them, a file of another version is refused with what to do, before anything is written to it."""

import sqlite3
from pathlib import Path

# 1: the first versioned layout. Tracebreak 0.1.0 wrote no version (0) and tags twice; it was never
# released, so no file of it is read, only recognised and refused.
SCHEMA_VERSION = 1

SCHEMA = f"""
CREATE TABLE spans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT NOT NULL,
    service TEXT NOT NULL,
    operation TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_us INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,
    tags TEXT NOT NULL,
    logs TEXT NOT NULL,
    refs TEXT NOT NULL,
    process_tags TEXT NOT NULL,
    received_us INTEGER NOT NULL,
    request_id TEXT,
    UNIQUE (trace_id, span_id)
);
CREATE INDEX spans_by_service ON spans (service, start_us);
CREATE INDEX spans_by_received ON spans (received_us);
CREATE INDEX spans_by_start ON spans (start_us);
CREATE INDEX spans_by_operation ON spans (service, operation, kind);
CREATE INDEX spans_by_request ON spans (request_id);
CREATE TABLE logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    service TEXT NOT NULL,
    time_us INTEGER NOT NULL,
    severity TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    received_us INTEGER NOT NULL
);
CREATE INDEX logs_by_trace ON logs (trace_id);
CREATE INDEX logs_by_received ON logs (received_us);
CREATE INDEX logs_by_time ON logs (time_us);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class SchemaError(ValueError):
    """The file is not a database this store keeps; the message says what to do, in one line."""


def _refused(path: Path, problem: str, option: str) -> SchemaError:
    return SchemaError(f"{path} {problem}: delete it, or pass a new {option}")


def prepare(connection: sqlite3.Connection, path: Path, option: str = "--db") -> None:
    """Give a new file the store's tables; refuse one that holds anything else."""
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _refused(path, f"is not an SQLite database ({error})", option) from error
    if version == 0 and not tables:
        connection.executescript(SCHEMA)
    elif version != SCHEMA_VERSION:
        raise _refused(path, _written_by(version), option)


def _written_by(version: int) -> str:
    if version == 0:
        written = "holds tables and no schema version (tracebreak 0.1.0's, or not a trace store's)"
    else:
        newer = "a newer" if version > SCHEMA_VERSION else "an older"
        written = f"was written by {newer} tracebreak (schema {version})"
    return f"{written}; this tracebreak keeps schema {SCHEMA_VERSION}"


def check(path: Path, option: str) -> None:
    """Refuse a file the store would not open, before a stack starts anything (no file is a new one)."""
    if not path.exists():
        return
    if path.is_dir():
        raise SchemaError(f"{path} is a folder, not a database file: pass another {option}")
    try:
        connection = sqlite3.connect(path)
    except sqlite3.Error as error:
        raise _refused(path, f"cannot be opened ({error})", option) from error
    try:
        prepare(connection, path, option)
    finally:
        connection.close()
