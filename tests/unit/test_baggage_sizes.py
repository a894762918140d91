import logging

from opentelemetry import baggage, context
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.sdk.trace import TracerProvider

from tracebreak.runtime import baggage_sizes as sizes

EXCEEDED = "Baggage exceeded the maximum number of bytes per baggage-string"


def test_measuring_an_overflowing_baggage_leaves_the_send_its_one_warning(caplog):
    cart = context.get_current()
    for n in range(3):
        cart = baggage.set_baggage(f"cart.{n}", "x" * 4000, context=cart)
    token = context.attach(baggage.set_baggage("tenant.id", "acme", context=cart))
    try:
        tracer = TracerProvider().get_tracer("t")
        with tracer.start_as_current_span("set") as span, caplog.at_level(logging.WARNING):
            sizes.record_set(span)
            sent: dict[str, str] = {}
            W3CBaggagePropagator().inject(sent)  # the send
    finally:
        context.detach(token)
    assert [r.getMessage() for r in caplog.records].count(EXCEEDED) == 1
    assert span.attributes[sizes.SET_BYTES] > 12000  # every key measured
    assert span.attributes[sizes.SENT_BYTES] == len(sent["baggage"]) < 8192  # what the send let through
