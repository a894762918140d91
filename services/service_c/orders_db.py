"""The orders database itself: its rows (derived from the id, so every run and every instance
agree) in a SQLite file C owns, read by the standard library's blocking driver; and the network in
front of it, simulated: it answers on time or, when a fault says so, late or not at all.
"""

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from opentelemetry import trace

from tracebreak.chaos.catalogue import DOWNSTREAM_LATENCY_MS, DOWNSTREAM_TIMEOUT
from tracebreak.chaos.reader import chaos
from tracebreak.demo import DEMO_TENANT, ORDER_IDS
from tracebreak.runtime.correlation import tag

ITEMS = ("espresso machine", "grinder", "kettle", "milk jug", "tamper", "scale", "filter papers")
TIERS = ("bronze", "silver", "gold")
WAREHOUSES = ("ams-1", "fra-2", "dub-1")

# How long the database driver waits for an answer under the downstream-timeout fault (well inside
# B's reply deadline). The downstream-latency-ms fault is not cut short by it.
TIMEOUT_S = 0.2
COLUMNS = ("order_id", "customer", "customer_tier", "item", "quantity", "warehouse", "eta_days")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM orders WHERE order_id = ?"

tracer = trace.get_tracer(__name__)


# The tenant whose rows C reads when a request names none: its orders are placeholders.
DEFAULT_TENANT = "default"
DEFAULT_TENANT_ROW = {"customer": "default-tenant", "customer_tier": "bronze", "warehouse": "default"}


def row(order_id: int) -> dict[str, Any] | None:
    if order_id not in ORDER_IDS:
        return None
    return {
        "order_id": order_id,
        "customer": f"customer-{order_id * 7919 % 500:03d}",
        "customer_tier": TIERS[order_id % len(TIERS)],
        "item": ITEMS[order_id % len(ITEMS)],
        "quantity": 1 + order_id % 5,
        "warehouse": WAREHOUSES[order_id % len(WAREHOUSES)],
        "eta_days": 1 + order_id % 4,
    }


def of_tenant(found: dict[str, Any] | None, tenant: str) -> dict[str, Any] | None:
    """The row as the tenant sees it: another tenant's orders are its placeholders."""
    return found if found is None or tenant == DEMO_TENANT else found | DEFAULT_TENANT_ROW


async def round_trip(latency_s: float) -> None:
    """The way to the database and back; raises TimeoutError when the database stays silent."""
    extra_ms = chaos.in_force(DOWNSTREAM_LATENCY_MS)  # fault: downstream-latency-ms. It answers late.
    if chaos.hits(DOWNSTREAM_TIMEOUT):  # fault: downstream-timeout. It never answers; the driver gives up.
        await asyncio.sleep(TIMEOUT_S)
        raise TimeoutError(f"orders-db did not answer within {TIMEOUT_S * 1000:.0f} ms")
    await asyncio.sleep(latency_s + extra_ms / 1000)


def create(path: Path) -> None:
    """Write every order into a fresh file at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(f"CREATE TABLE orders ({', '.join(COLUMNS)}, PRIMARY KEY (order_id))")
        rows = [tuple(found[c] for c in COLUMNS) for found in map(row, ORDER_IDS) if found]
        db.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def select(path: Path, order_id: int, request_id: str | None) -> dict[str, Any] | None:
    """The row, or None: a blocking driver call, made in a worker thread. Its span is a child of the
    caller's only if the thread runs in the caller's context."""
    with tracer.start_as_current_span("read orders", attributes={"order.id": order_id}) as span:
        tag(span, request_id, "kafka")  # passed as data, so it survives even where the context does not
        # sqlite3.connect looked up at the call: the SQLite instrumentation wraps it with a CLIENT span.
        with closing(sqlite3.connect(path)) as db:
            cursor = db.cursor()  # the instrumentation traces a cursor's statements, not the connection's
            cursor.execute(SELECT, (order_id,))
            values = cursor.fetchone()
    return None if values is None else dict(zip(COLUMNS, values, strict=True))
