"""Baggage as span attributes: what a sender set (its keys and bytes, and the bytes the W3C propagator
lets through) and what a receiver got, so a trace shows where baggage was cut off.

The SDK enforces the W3C limits on inject and says so only in a warning; these attributes put the
difference where the doctor can read it.
"""

import logging
from contextvars import ContextVar

from opentelemetry import baggage
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.trace import Span

from tracebreak.span_attributes import RECEIVED_BYTES, RECEIVED_KEYS, SENT_BYTES, SET_BYTES, SET_KEYS

_UNLIMITED = W3CBaggagePropagator()
# The limits are private class attributes: the public API neither takes nor exposes them.
_UNLIMITED._MAX_HEADER_LENGTH = _UNLIMITED._MAX_PAIR_LENGTH = _UNLIMITED._MAX_PAIRS = 2**31
_W3C = W3CBaggagePropagator()

# The send's own inject warns of what it drops; measuring what fits must not warn of it again.
_measuring: ContextVar[bool] = ContextVar("baggage_measuring", default=False)
logging.getLogger(W3CBaggagePropagator.__module__).addFilter(lambda record: not _measuring.get())


def _header(propagator: W3CBaggagePropagator) -> str:
    carrier: dict[str, str] = {}
    token = _measuring.set(True)
    try:
        propagator.inject(carrier)
    finally:
        _measuring.reset(token)
    return carrier.get("baggage", "")


def record_set(span: Span) -> None:
    """On the span where baggage was set: every key, the bytes they make, the bytes that fit."""
    span.set_attribute(SET_KEYS, ",".join(baggage.get_all()))
    span.set_attribute(SET_BYTES, len(_header(_UNLIMITED)))
    span.set_attribute(SENT_BYTES, len(_header(_W3C)))


def record_received(span: Span) -> None:
    """On an inbound span: the baggage keys and bytes that arrived (nothing is recorded for none)."""
    entries = baggage.get_all()
    if entries:
        span.set_attribute(RECEIVED_KEYS, ",".join(entries))
        span.set_attribute(RECEIVED_BYTES, len(_header(_UNLIMITED)))
