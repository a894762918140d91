"""The attributes tracebreak's services record on their spans beside the semantic conventions', for
the doctor and the audit to read from the traces alone. Plain names, free of the OpenTelemetry SDK, so
the doctor reads them where only the core is installed."""

# Each inbound span reports the headers its service's propagators read and write, so an audit can
# tell, from the traces alone, a service that propagates nothing.
FIELDS_ATTRIBUTE = "tracebreak.propagation.fields"
# The sampled flag of the traceparent a request arrived with: a parent the trace lacks was sampled.
PARENT_SAMPLED_ATTRIBUTE = "tracebreak.parent.sampled"

# Baggage as a sender set it (its keys and bytes, and the bytes the W3C propagator lets through) and as
# a receiver got it (runtime/baggage_sizes.py records them).
SET_KEYS = "tracebreak.baggage.set_keys"
SET_BYTES = "tracebreak.baggage.set_bytes"
SENT_BYTES = "tracebreak.baggage.sent_bytes"
RECEIVED_KEYS = "tracebreak.baggage.received_keys"
RECEIVED_BYTES = "tracebreak.baggage.received_bytes"
