import logging

from opentelemetry import trace
from opentelemetry.trace import StatusCode

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


def price(catalogue, sku: str) -> float:
    try:
        return catalogue.lookup(sku)
    except Exception:
        log.exception("price lookup failed for %s", sku)
        return 0.0


async def stock(warehouse, sku: str) -> dict:
    with tracer.start_as_current_span("stock lookup") as span:
        try:
            return await warehouse.count(sku)
        except TimeoutError as error:
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, "warehouse timed out")
            return {}


def parse_quantity(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
