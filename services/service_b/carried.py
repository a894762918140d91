"""What B carries to C as baggage: who the request is for and which tenant's data C is to read.

Baggage rides on every hop after it is set, and the W3C propagator caps it (8,192 bytes a header,
4,096 an entry, 180 entries): on inject the SDK drops whatever no longer fits, logging only a
warning. So baggage holds a few small keys, the business keys first, and nothing that grows with data.
"""

from opentelemetry import baggage
from opentelemetry.context import Context

from tracebreak.chaos.catalogue import BAGGAGE_OVERFLOW
from tracebreak.chaos.reader import chaos
from tracebreak.demo import TENANT_KEY

USER_KEY = "enduser.id"
CART_LINES = 80  # the session's cart: enough lines to pass 8,192 bytes, each far under 4,096


def cart(order_id: int) -> list[str]:
    """The session's cart, simulated: one line a product, derived from the order so runs agree."""
    return [
        f'{{"sku":"SKU-{order_id:04d}-{n:03d}","qty":{1 + n % 3},"note":"gift wrap, deliver after 18:00"}}'
        for n in range(CART_LINES)
    ]


def request_baggage(user: str, tenant: str, order_id: int) -> Context:
    """The context B asks C under: the current one with the request's baggage set."""
    ctx = baggage.set_baggage(USER_KEY, user)
    if chaos.hits(BAGGAGE_OVERFLOW):
        # chaos: baggage-overflow. WRONG: the cart packed into baggage, line by line, before the
        # tenant. Past 8,192 bytes the propagator drops every entry after it: tenant.id never reaches C.
        for n, line in enumerate(cart(order_id)):
            ctx = baggage.set_baggage(f"cart.line.{n}", line, context=ctx)
    # RIGHT: only small business keys; the cart stays where it belongs (C looks it up by order).
    return baggage.set_baggage(TENANT_KEY, tenant, context=ctx)
