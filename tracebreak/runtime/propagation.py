"""The propagators every process registers: those OTEL_PROPAGATORS names, by default W3C Trace
Context (strict: tracebreak.runtime.w3c) and Baggage on every boundary, and `traceresponse` on every
HTTP answer (Trace Context Level 2).

`register` runs at start and again whenever the flags change: the propagator-not-registered and
propagator-mismatch toggles swap the process's propagator live.
"""

import functools
import os

from opentelemetry import propagate
from opentelemetry.context import Context
from opentelemetry.environment_variables import OTEL_PROPAGATORS
from opentelemetry.instrumentation.propagators import set_global_response_propagator
from opentelemetry.propagators.b3 import B3MultiFormat
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)

from tracebreak.chaos.catalogue import PROPAGATOR_MISMATCH, PROPAGATOR_NOT_REGISTERED
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.w3c import StrictTraceResponsePropagator

# The entry points (pyproject.toml, group opentelemetry_propagator) OTEL_PROPAGATORS chooses from.
DEFAULT_PROPAGATORS = "tracecontext_strict,baggage"


def register() -> None:
    if chaos.value(PROPAGATOR_NOT_REGISTERED):
        # chaos: propagator-not-registered. WRONG: no propagator, as with OTEL_PROPAGATORS=none (or
        # Go's default global propagator). Every instrumentation still runs, but extracts nothing and
        # injects nothing.
        propagate.set_global_textmap(NoPropagator())
    else:
        # RIGHT: the Context Law needs a propagator on both sides of every boundary.
        register_format()
    # Every HTTP response tells its caller where its trace is (W3C Trace Context Level 2).
    set_global_response_propagator(StrictTraceResponsePropagator())


def register_format() -> None:
    """The format the context travels in, the same on every boundary of every service."""
    if chaos.value(PROPAGATOR_MISMATCH):
        # chaos: propagator-mismatch. WRONG: B3 multi-header alone, as OTEL_PROPAGATORS=b3multi after
        # a Zipkin or mesh migration. It writes X-B3-TraceId and friends, which a W3C neighbour never
        # reads, and reads only those, which a W3C neighbour never writes: both sides start new traces.
        propagate.set_global_textmap(B3MultiFormat())
    else:
        # RIGHT: W3C trace context and baggage, as OTEL_PROPAGATORS names them (and during a migration
        # tracecontext,baggage,b3multi: it reads both formats and writes both).
        propagate.set_global_textmap(configured())


@functools.cache
def configured() -> TextMapPropagator:
    """The propagators OTEL_PROPAGATORS names, loaded once (from their entry points)."""
    os.environ.setdefault(OTEL_PROPAGATORS, DEFAULT_PROPAGATORS)
    return propagate._load_propagators()  # the loader opentelemetry.propagate runs on OTEL_PROPAGATORS


def fields() -> str:
    """The global propagator's headers, comma-joined ("baggage,traceparent,tracestate"; "" for none)."""
    return _joined(propagate.get_global_textmap())


@functools.lru_cache(maxsize=8)
def _joined(textmap: TextMapPropagator) -> str:
    """Asked on every inbound span; the propagator changes only with its toggle."""
    return ",".join(sorted(textmap.fields))


def registered() -> bool:
    return not isinstance(propagate.get_global_textmap(), NoPropagator)


def speaks_b3_only() -> bool:
    return isinstance(propagate.get_global_textmap(), B3MultiFormat)


class NoPropagator(TextMapPropagator):
    """Extracts nothing and injects nothing. (Python's own answer to OTEL_PROPAGATORS=none, an empty
    CompositePropagator, returns None from extract, and the gRPC server instrumentation then fails
    every call instead of starting a new trace; this one behaves as "no propagator" does elsewhere.)"""

    def extract(
        self, carrier: CarrierT, context: Context | None = None, getter: Getter = default_getter
    ) -> Context:
        return context if context is not None else Context()

    def inject(
        self, carrier: CarrierT, context: Context | None = None, setter: Setter = default_setter
    ) -> None:
        return None

    @property
    def fields(self) -> set[str]:
        return set()
