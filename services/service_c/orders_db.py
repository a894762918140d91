"""The orders database itself, simulated: its rows (derived from the id, so every run and every
instance agree) and how it answers, on time or, when a fault says so, late or not at all.
"""

import asyncio
from typing import Any

from tracebreak.chaos.catalogue import DOWNSTREAM_LATENCY_MS, DOWNSTREAM_TIMEOUT
from tracebreak.chaos.reader import chaos
from tracebreak.demo import DEMO_TENANT, ORDER_IDS

ITEMS = ("espresso machine", "grinder", "kettle", "milk jug", "tamper", "scale", "filter papers")
TIERS = ("bronze", "silver", "gold")
WAREHOUSES = ("ams-1", "fra-2", "dub-1")

# How long the database driver waits for an answer under the downstream-timeout fault (well inside
# B's reply deadline). The downstream-latency-ms fault is not cut short by it.
TIMEOUT_S = 0.2


# The tenant whose rows C reads when a request names none: its orders are placeholders.
DEFAULT_TENANT = "default"
DEFAULT_TENANT_ROW = {"customer": "default-tenant", "customer_tier": "bronze", "warehouse": "default"}


def row(order_id: int, tenant: str = DEMO_TENANT) -> dict[str, Any] | None:
    if order_id not in ORDER_IDS:
        return None
    found = {
        "order_id": order_id,
        "customer": f"customer-{order_id * 7919 % 500:03d}",
        "customer_tier": TIERS[order_id % len(TIERS)],
        "item": ITEMS[order_id % len(ITEMS)],
        "quantity": 1 + order_id % 5,
        "warehouse": WAREHOUSES[order_id % len(WAREHOUSES)],
        "eta_days": 1 + order_id % 4,
    }
    return found if tenant == DEMO_TENANT else found | DEFAULT_TENANT_ROW


async def query(order_id: int, latency_s: float, tenant: str) -> dict[str, Any] | None:
    """One round trip: the row, or None; raises TimeoutError when the database stays silent."""
    extra_ms = chaos.in_force(DOWNSTREAM_LATENCY_MS)  # fault: downstream-latency-ms. It answers late.
    if chaos.hits(DOWNSTREAM_TIMEOUT):  # fault: downstream-timeout. It never answers; the driver gives up.
        await asyncio.sleep(TIMEOUT_S)
        raise TimeoutError(f"orders-db did not answer within {TIMEOUT_S * 1000:.0f} ms")
    await asyncio.sleep(latency_s + extra_ms / 1000)
    return row(order_id, tenant)
