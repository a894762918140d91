import json

from opentelemetry import baggage


def carry(cart: list[str], tenant: str):
    ctx = None
    for n, line in enumerate(cart):
        ctx = baggage.set_baggage(f"cart.line.{n}", line, context=ctx)  # expect: TB604
    ctx = baggage.set_baggage("cart", json.dumps(cart), context=ctx)  # expect: TB604
    return baggage.set_baggage("tenant.id", tenant, context=ctx)
