import logging

from opentelemetry import trace

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


def price(catalogue, sku: str) -> float:
    try:
        return catalogue.lookup(sku)
    except Exception:
        log.warning("price lookup failed for %s", sku)
        return 0.0  # expect: TB901


async def stock(warehouse, sku: str) -> dict:
    with tracer.start_as_current_span("stock lookup"):
        try:
            return await warehouse.count(sku)
        except TimeoutError:
            return {}  # expect: TB901
