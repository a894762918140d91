"""SQLite storage for spans and log records, with retention bounded by count and age (the tables, and
the version a file of them carries, are in schema.py)."""

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracebreak.doctor.request import request_ids_of
from tracebreak.store import schema
from tracebreak.traces.otlp import LogRow, SpanRow


@dataclass(frozen=True)
class Retention:
    max_spans: int = 200_000
    max_logs: int = 200_000
    max_age_s: float = 24 * 3600


@dataclass(frozen=True)
class SpanQuery:
    service: str
    operation: str | None
    tags: dict[str, str]
    start_us: int
    end_us: int
    min_duration_us: int | None
    max_duration_us: int | None
    limit: int


READER_MMAP_BYTES = 1 << 30  # address space, not memory: the store's file is bounded by its retention


class Reader:
    """Queries over one connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        self._db.close()

    def services(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT DISTINCT service FROM spans ORDER BY 1")]

    def operations(self, service: str) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT DISTINCT operation, kind FROM spans WHERE service = ? ORDER BY 1, 2", (service,)
        )
        return [(row[0], row[1]) for row in rows]

    def trace(self, trace_id: str) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_us, id", (trace_id.lower(),)
        ).fetchall()

    def find_trace_ids(self, query: SpanQuery) -> list[str]:
        """Newest first: the traces holding at least one span that matches every condition."""
        sql = "SELECT trace_id, tags, process_tags FROM spans WHERE service = ? AND start_us BETWEEN ? AND ?"
        params: list[Any] = [query.service, query.start_us, query.end_us]
        if query.operation:
            sql += " AND operation = ?"
            params.append(query.operation)
        if query.min_duration_us is not None:
            sql += " AND duration_us >= ?"
            params.append(query.min_duration_us)
        if query.max_duration_us is not None:
            sql += " AND duration_us <= ?"
            params.append(query.max_duration_us)
        found: dict[str, None] = {}
        for row in self._db.execute(sql + " ORDER BY start_us DESC", params):
            if row["trace_id"] in found or not _has_tags(row, query.tags):
                continue
            found[row["trace_id"]] = None
            if len(found) >= query.limit:
                break
        return list(found)

    def logs(self, trace_id: str) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM logs WHERE trace_id = ? ORDER BY time_us, id", (trace_id.lower(),)
        ).fetchall()

    def logs_between(self, start_us: int, end_us: int) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM logs WHERE time_us BETWEEN ? AND ? ORDER BY time_us, id", (start_us, end_us)
        ).fetchall()

    def window_spans(self, start_us: int, end_us: int) -> list[sqlite3.Row]:
        """What the doctor reads of every span of every trace with a span starting in the window (no
        process tags, no bookkeeping): one query, whatever the number of traces, in no order (the
        reader groups them by trace)."""
        return self._db.execute(
            "SELECT trace_id, span_id, parent_span_id, service, operation, start_us, duration_us, tags,"
            " logs, refs, id FROM spans WHERE trace_id IN"
            " (SELECT trace_id FROM spans WHERE start_us BETWEEN ? AND ?)",
            (start_us, end_us),
        ).fetchall()

    def spans_between(self, start_us: int, end_us: int) -> int:
        return self._db.execute(
            "SELECT count(*) FROM spans WHERE start_us BETWEEN ? AND ?", (start_us, end_us)
        ).fetchone()[0]

    def nth_start(self, start_us: int, end_us: int, n: int) -> int:
        """The start of the n-th span (from 0, by start) that began in the window."""
        row = self._db.execute(
            "SELECT start_us FROM spans WHERE start_us BETWEEN ? AND ? ORDER BY start_us LIMIT 1 OFFSET ?",
            (start_us, end_us, n),
        ).fetchone()
        return row[0] if row else end_us

    def newest_roots_from(self, start_us: int, end_us: int, count: int) -> int:
        """Where the window's newest `count` root spans begin: a window that holds about that many
        requests (each has one root, and one more per fragment)."""
        row = self._db.execute(
            "SELECT start_us FROM spans WHERE start_us BETWEEN ? AND ? AND parent_span_id = ''"
            " ORDER BY start_us DESC LIMIT 1 OFFSET ?",
            (start_us, end_us, max(0, count - 1)),
        ).fetchone()
        return row[0] if row else start_us

    def request_span_range(self, request_id: str) -> tuple[int, int] | None:
        """When the spans that carry this request id began and ended."""
        row = self._db.execute(
            "SELECT min(start_us), max(start_us + duration_us) FROM spans WHERE request_id = ?", (request_id,)
        ).fetchone()
        return None if row[0] is None else (row[0], row[1])

    def dependencies(self, start_us: int, end_us: int) -> list[tuple[str, str, int]]:
        """Jaeger's dependency links: (parent service, child service, calls) for every span whose
        parent is in another service, among the spans that began in the window."""
        rows = self._db.execute(
            "SELECT p.service, c.service, count(*) FROM spans c"
            " JOIN spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id"
            " WHERE c.start_us BETWEEN ? AND ? AND p.service != c.service"
            " GROUP BY p.service, c.service ORDER BY 1, 2",
            (start_us, end_us),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def counts(self) -> tuple[int, int]:
        spans = self._db.execute("SELECT count(*) FROM spans").fetchone()[0]
        logs = self._db.execute("SELECT count(*) FROM logs").fetchone()[0]
        return spans, logs


def read_only(path: Path) -> Reader:
    """A read-only connection to the store's file. It maps the file into memory: reading a window's
    rows through the page cache takes a third longer."""
    connection = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    connection.execute(f"PRAGMA mmap_size={READER_MMAP_BYTES}")
    return Reader(connection)


class Database(Reader):
    """The store's connection, used from its event loop only: writes are short and serialised. A long
    read (the doctor over a window) opens a reader of its own in another thread: WAL lets it read while
    the store keeps writing."""

    def __init__(self, path: Path | str, retention: Retention | None = None) -> None:
        self.path = Path(path)
        self.retention = retention or Retention()
        # Used by one thread at a time (the store's event loop); tests drive it from a test client's.
        super().__init__(sqlite3.connect(path, check_same_thread=False))
        try:
            schema.prepare(self._db, self.path)
        except schema.SchemaError:
            self._db.close()
            raise
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    def reader(self) -> Reader:
        """A read-only connection of its own, for one thread: close it after use."""
        return read_only(self.path)

    def add_spans(self, rows: Iterable[SpanRow]) -> None:
        now = _now_us()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, service, operation, kind,"
                " start_us, duration_us, tags, logs, refs, process_tags, received_us, request_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.trace_id,
                        r.span_id,
                        r.parent_span_id,
                        r.service,
                        r.operation,
                        r.kind,
                        r.start_us,
                        r.duration_us,
                        # Jaeger's list of {key, type, value} as one object, later keys winning: what the
                        # doctor reads, decoded several times faster; the type follows from the value.
                        json.dumps(tags := {tag["key"]: tag["value"] for tag in r.tags}),
                        json.dumps(r.logs),
                        json.dumps(r.references),
                        json.dumps(r.process_tags),
                        now,
                        # Indexed: the web view opens a request by its id.
                        min(request_ids_of(tags), default=None),
                    )
                    for r in rows
                ],
            )
            self._expire("spans", self.retention.max_spans, now)

    def add_logs(self, rows: Iterable[LogRow]) -> None:
        now = _now_us()
        with self._db:
            self._db.executemany(
                "INSERT INTO logs (trace_id, span_id, service, time_us, severity, body, attributes,"
                " received_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.trace_id,
                        r.span_id,
                        r.service,
                        r.time_us,
                        r.severity,
                        r.body,
                        json.dumps(r.attributes),
                        now,
                    )
                    for r in rows
                ],
            )
            self._expire("logs", self.retention.max_logs, now)

    def _expire(self, table: str, max_rows: int, now_us: int) -> None:
        oldest = now_us - int(self.retention.max_age_s * 1_000_000)
        self._db.execute(f"DELETE FROM {table} WHERE received_us < ?", (oldest,))
        self._db.execute(f"DELETE FROM {table} WHERE id <= (SELECT max(id) FROM {table}) - ?", (max_rows,))


def _has_tags(row: sqlite3.Row, wanted: dict[str, str]) -> bool:
    """Jaeger compares tag values as strings, over span and process tags."""
    if not wanted:
        return True
    have = {tag["key"]: _as_string(tag["value"]) for tag in json.loads(row["process_tags"])}
    have.update({key: _as_string(value) for key, value in json.loads(row["tags"]).items()})
    return all(have.get(key) == value for key, value in wanted.items())


def _as_string(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _now_us() -> int:
    return time.time_ns() // 1000
