"""Service C's simulated downstream dependency: the orders database (ids 1 to 1000 exist).

Every lookup is a CLIENT span with the database semantic conventions, and takes the configured
latency, as a network round trip would.
"""

import asyncio
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind

from tracebreak.chaos import chaos

ORDER_IDS = range(1, 1001)
ITEMS = ("espresso machine", "grinder", "kettle", "milk jug", "tamper", "scale", "filter papers")
TIERS = ("bronze", "silver", "gold")
WAREHOUSES = ("ams-1", "fra-2", "dub-1")

QUERY = "SELECT customer, tier, item, quantity, warehouse FROM orders WHERE id = $1"

# How long the database driver waits for an answer under the downstream-timeout fault (well inside
# B's reply deadline). The downstream-latency-ms fault is not cut short by it.
TIMEOUT_S = 0.2

tracer = trace.get_tracer(__name__)


def order(order_id: int) -> dict[str, Any] | None:
    """The demo data, derived from the id so every run and every instance agree."""
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


class OrdersDatabase:
    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s

    async def find(self, order_id: int) -> dict[str, Any] | None:
        """The order, None if there is no such order; raises TimeoutError if the database is silent."""
        with tracer.start_as_current_span(
            "SELECT orders",
            kind=SpanKind.CLIENT,
            attributes={
                "db.system.name": "postgresql",
                "db.namespace": "enrichment",
                "db.collection.name": "orders",
                "db.operation.name": "SELECT",
                "db.query.text": QUERY,
                "server.address": "orders-db",
                "server.port": 5432,
            },
        ):
            try:
                await self._round_trip()
            except TimeoutError:
                if chaos.hits("silent-exception-recovery"):
                    # chaos: silent-exception-recovery. WRONG: the timeout swallowed and a default
                    # returned, as `except Exception: return {}` does. No exception recorded, status
                    # unset: the request will fail further up, and no span says why.
                    return {}
                # RIGHT: let it propagate; the span records the exception and ends with status ERROR.
                raise
            return order(order_id)

    async def _round_trip(self) -> None:
        """The simulated network round trip to the database, with the faults the toggles inject."""
        extra_ms = chaos.value("downstream-latency-ms")
        if extra_ms > 0:
            chaos.record("downstream-latency-ms", extra_ms)
        if chaos.hits("downstream-timeout"):
            await asyncio.sleep(TIMEOUT_S)  # the database never answers; the driver gives up
            raise TimeoutError(f"orders-db did not answer within {TIMEOUT_S * 1000:.0f} ms")
        await asyncio.sleep(self.latency_s + extra_ms / 1000)
