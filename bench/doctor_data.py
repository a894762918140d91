"""Real-shaped spans for the doctor benchmark: the local stack's own spans, captured from a bounded run
(healthy requests and requests under some of the breakers and faults), copied with fresh ids until a
store holds as many requests as the benchmark asks for.
"""

import asyncio
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.service_a.client import request_order
from tracebreak.chaos import command as chaos_command
from tracebreak.demo import CLIENT_SERVICE
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime import telemetry
from tracebreak.runtime.ports import Ports
from tracebreak.store.database import Database

# Each phase sends its requests with one toggle on for a share of them (None: healthy).
PHASES: tuple[tuple[str, float] | None, ...] = (
    None,
    ("orphan-background-task", 0.3),
    ("kafka-consumer-no-extract", 0.3),
    ("sampler-not-parent-based", 0.3),
    ("downstream-timeout", 0.2),
)
AGE_US = 60_000_000  # how old the newest copy's last span is: settled
RATE = 30  # requests a second while capturing: well within what the local stack holds
# A trace id, a span id or a request id (Envoy's x-request-id is a UUID), in any stored text.
ID = re.compile(
    r"(?<![0-9a-f])(?:[0-9a-f]{32}|[0-9a-f]{16}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?![0-9a-f])"
)
ID_COLUMNS = {
    "spans": ("trace_id", "span_id", "parent_span_id", "tags", "logs", "refs", "request_id"),
    "logs": ("trace_id", "span_id", "attributes"),
}
TIME_COLUMNS = {"spans": "start_us", "logs": "time_us"}


@dataclass
class Captured:
    rows: dict[str, list[sqlite3.Row]]  # spans and logs, as the store keeps them
    ids: frozenset[str]  # the trace and span ids among them (request ids are the UUIDs)
    requests: int
    seconds_us: int  # from the first span to the last


def capture(per_phase: int, data: Path) -> Captured:
    """Run the local stack, send `per_phase` requests in each phase, and read back what it stored."""
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=data))
    stack.start()
    try:
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.config.otlp_url
        os.environ["OTEL_BSP_SCHEDULE_DELAY"] = "200"
        tel = telemetry.setup(CLIENT_SERVICE, json_logs=False)
        for phase in PHASES:
            _set(stack, phase, on=True)
            time.sleep(1)  # the services poll the flag file twice a second
            asyncio.run(_send(stack.config.edge_url, per_phase))
            _set(stack, phase, on=False)
        tel.shutdown_now()
        time.sleep(3)  # the services' last spans: they export every 200 ms locally
    finally:
        stack.stop()
    return _read(data / "traces.db", per_phase * len(PHASES))


def _set(stack: Stack, phase: tuple[str, float] | None, on: bool) -> None:
    if phase is not None:
        name, rate = phase
        chaos_command.apply(stack.config.flags_file, stack.config.edge_admin_url, name, rate if on else None)


async def _send(edge: str, count: int) -> None:
    start, tasks = time.monotonic(), []
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))  # the open-loop schedule
        tasks.append(asyncio.create_task(request_order(edge, "42")))
    await asyncio.gather(*tasks)


def _read(path: Path, requests: int) -> Captured:
    source = sqlite3.connect(path)
    source.row_factory = sqlite3.Row
    rows = {table: source.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ID_COLUMNS}
    source.close()
    starts = [row["start_us"] for row in rows["spans"]]
    ids = frozenset(row[key] for row in rows["spans"] for key in ("trace_id", "span_id"))
    return Captured(rows, ids, requests, max(starts) - min(starts))


def fill(captured: Captured, requests: int, path: Path, age_us: int) -> int:
    """A store holding copies of the capture (fresh ids, earlier times, `age_us` old at the newest)
    until it holds at least `requests` requests; the number of requests it holds."""
    copies = -(-requests // captured.requests)
    Database(path).close()  # the store's schema
    target = sqlite3.connect(path)
    newest = max(row["start_us"] for row in captured.rows["spans"])
    offset = time.time_ns() // 1000 - age_us - newest  # moves the newest copy's last span to `age_us` ago
    with target:
        for table, rows in captured.rows.items():
            columns = [key for key in rows[0].keys() if key != "id"] if rows else []  # noqa: SIM118 (a Row)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            stride = captured.seconds_us + 1_000_000
            target.executemany(sql, _copies(table, rows, columns, copies, offset, stride, captured.ids))
    target.close()
    return copies * captured.requests


def _copies(
    table: str,
    rows: list[sqlite3.Row],
    columns: list[str],
    copies: int,
    offset: int,
    stride_us: int,
    ids: frozenset[str],
) -> Iterator[list[object]]:
    """Each copy one stride before the next, the last at `offset`: copies follow each other in time."""
    for copy in range(copies):
        prefix = f"{copy:06x}"
        shift = offset - (copies - copy - 1) * stride_us

        def fresh(match: re.Match[str], prefix: str = prefix) -> str:
            found = match.group()
            return prefix + found[6:] if found in ids or "-" in found else found

        for row in rows:
            values = dict(row)
            for column in ID_COLUMNS[table]:
                if values[column] is not None:  # a span with no request id has none to refresh
                    values[column] = ID.sub(fresh, values[column])
            values[TIME_COLUMNS[table]] += shift
            yield [values[column] for column in columns]
