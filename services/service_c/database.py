"""Service C's client for its orders database (orders_db.py): every lookup is a CLIENT span with the
database semantic conventions, and its blocking driver call runs in a thread pool.
"""

import asyncio
import functools
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind

from services.service_c import orders_db
from tracebreak.chaos.catalogue import SILENT_EXCEPTION_RECOVERY, THREAD_POOL_WITHOUT_CONTEXT
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.correlation import current_request_id

QUERY = "SELECT customer, tier, item, quantity, warehouse FROM orders WHERE id = $1"
ATTRIBUTES = {
    "db.system.name": "postgresql",
    "db.namespace": "enrichment",
    "db.collection.name": "orders",
    "db.operation.name": "SELECT",
    "db.query.text": QUERY,
    "server.address": "orders-db",
    "server.port": 5432,
}

tracer = trace.get_tracer(__name__)


class OrdersDatabase:
    def __init__(self, latency_s: float, path: Path) -> None:
        self.latency_s = latency_s
        self.path = path

    async def find(self, order_id: int, tenant: str) -> dict[str, Any] | None:
        """The tenant's order, None if there is none; raises TimeoutError if the database is silent."""
        with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT, attributes=ATTRIBUTES):
            try:
                await orders_db.round_trip(self.latency_s)
                return orders_db.of_tenant(await self._read(order_id), tenant)
            except TimeoutError:
                if chaos.hits(SILENT_EXCEPTION_RECOVERY):
                    # chaos: silent-exception-recovery. WRONG: the timeout swallowed and a default
                    # returned, as `except Exception: return {}` does. No exception recorded, status
                    # unset: the request will fail further up, and no span says why.
                    return {}
                # RIGHT: let it propagate; the span records the exception and ends with status ERROR.
                raise

    async def _read(self, order_id: int) -> dict[str, Any] | None:
        """The driver's blocking call, off the event loop."""
        read = functools.partial(orders_db.select, self.path, order_id, current_request_id.get())
        if chaos.hits(THREAD_POOL_WITHOUT_CONTEXT):
            # chaos: thread-pool-without-context. WRONG: run_in_executor hands the call to a pool
            # thread that runs in that thread's own, empty context: its spans start traces of their
            # own (ghost spans). opentelemetry-instrument hides it: its threading instrumentation
            # wraps ThreadPoolExecutor.submit; a hand-made setup has no such net.
            return await asyncio.get_running_loop().run_in_executor(None, read)
        # RIGHT: asyncio.to_thread runs it in the same pool under a copy of the current context.
        return await asyncio.to_thread(read)
