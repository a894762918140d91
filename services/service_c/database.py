"""Service C's client for its orders database (simulated in orders_db.py): every lookup is a CLIENT
span with the database semantic conventions.
"""

from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind

from services.service_c import orders_db
from tracebreak.chaos.catalogue import SILENT_EXCEPTION_RECOVERY
from tracebreak.chaos.reader import chaos

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
    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s

    async def find(self, order_id: int, tenant: str) -> dict[str, Any] | None:
        """The tenant's order, None if there is none; raises TimeoutError if the database is silent."""
        with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT, attributes=ATTRIBUTES):
            try:
                return await orders_db.query(order_id, self.latency_s, tenant)
            except TimeoutError:
                if chaos.hits(SILENT_EXCEPTION_RECOVERY):
                    # chaos: silent-exception-recovery. WRONG: the timeout swallowed and a default
                    # returned, as `except Exception: return {}` does. No exception recorded, status
                    # unset: the request will fail further up, and no span says why.
                    return {}
                # RIGHT: let it propagate; the span records the exception and ends with status ERROR.
                raise
