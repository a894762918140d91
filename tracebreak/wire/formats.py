"""Trace context on the wire in a format other than W3C's: what a service speaking B3 (Zipkin's, a
mesh's) or Jaeger's sends in place of a traceparent, which a W3C receiver never reads."""

from tracebreak.wire.packets import Message

# (format, the header that carries its trace id, as its specification spells it)
FORMATS = (
    ("B3 multi-header", "X-B3-TraceId"),
    ("B3 single-header", "b3"),
    ("Jaeger", "uber-trace-id"),
)


def other_format(message: Message) -> str | None:
    """The first other format the message carries, with its header and value; None for none."""
    for name, header in FORMATS:
        value = message.header(header.lower())
        if value:
            return f"{name} ({header}: {value})"
    return None
