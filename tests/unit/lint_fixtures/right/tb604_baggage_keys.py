from opentelemetry import baggage


def carry(user: str, tenant: str, cart_id: str):
    ctx = baggage.set_baggage("tenant.id", tenant)
    ctx = baggage.set_baggage("enduser.id", user, context=ctx)
    return baggage.set_baggage("cart.id", cart_id, context=ctx)
