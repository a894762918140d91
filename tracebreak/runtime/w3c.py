"""W3C Trace Context, strict: a propagator built on the OpenTelemetry SDK's that follows the
Recommendation where the SDK's does not (every tracebreak process registers it; OTEL_PROPAGATORS
names it `tracecontext_strict`).

`StrictTraceContextPropagator` subclasses `TraceContextTextMapPropagator` (so `isinstance` checks and
the `traceparent`/`tracestate` field names stay the same) and replaces `extract` and `inject`:

* traceparent: exactly one header field; version 00 is exactly 55 characters; a higher version is
  parsed by its first four fields and may continue only after a dash; version ff, upper-case hex,
  all-zero ids are invalid. Any of these restarts the trace (the context is returned unchanged).
* trace-flags: only the two flags this implementation knows (sampled 0x01, random-trace-id 0x02)
  are read and written; reserved bits are set to zero ("Vendors MUST set those to zero").
* tracestate: the header fields are combined with "," (RFC 9110 section 5.3); empty and
  whitespace-only members are skipped; keys follow the Level 2 grammar, a superset of Level 1's
  (every Level 1 key stays valid; the conformance suite tests Level 2's); a duplicated key keeps
  its first (left-most) entry; an invalid member, or more than 32 members, discards the whole
  tracestate (the spec lets a vendor choose; the conformance suite expects this choice).
* random-trace-id on inject: the flag of the span's parent is carried whenever the span continues the
  parent's trace (SDK >= 1.39 already does this in `Tracer.start_span`; kept here as a guard).

`StrictTraceResponsePropagator` writes the `traceresponse` header with the same flag rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import ClassVar, Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.propagators import ResponsePropagator
from opentelemetry.instrumentation.propagators import default_setter as response_default_setter
from opentelemetry.propagators import textmap
from opentelemetry.trace import SpanContext, TraceFlags, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.trace.span import TraceState

from tracebreak.traceparent import KNOWN_FLAGS, OWS, TRACEPARENT, parse_traceparent

_logger = logging.getLogger(__name__)

TRACESTATE: Final = "tracestate"
MAX_MEMBERS: Final = 32
# Input guard only: the spec asks to propagate at least 512 characters and to reject only
# "prohibitively large" headers; 8192 is the SDK's own limit.
MAX_TRACESTATE_INPUT: Final = 8192
_LARGE_ENTRY: Final = 128  # "Entries larger than 128 characters long SHOULD be removed first."

# Level 2 (CRD 2024-03-28) and the editor's draft: key = ( lcalpha / DIGIT ) 0*255 ( keychar )
LEVEL2_KEY_RE: Final = re.compile(r"[a-z0-9][_0-9a-z\-*/@]{0,255}")
VALUE_RE: Final = re.compile(r"[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]")


class W3CTraceState(TraceState):
    """The SDK's TraceState with the Level 2 key grammar (a superset of Level 1's). It keeps its
    entries in the SDK class's `_dict` (a test guards that against the pinned SDK).

    The SDK's `TraceState` validates keys against the Level 1 grammar in `__init__`, `add`, `update`
    and `delete` (each builds a plain `TraceState`), so every one of them is overridden here to keep
    keys such as `1vendor`, `foo@` or `t@vvvvvvvvvvvvvvv` alive through the SDK's samplers and spans.
    """

    key_re: ClassVar[re.Pattern[str]] = LEVEL2_KEY_RE

    def __init__(self, entries: Sequence[tuple[str, str]] | None = None) -> None:
        super().__init__(None)
        if not entries:
            return
        if len(entries) > MAX_MEMBERS:
            _logger.warning("tracestate: more than %d list-members, discarded", MAX_MEMBERS)
            return
        for key, value in entries:
            if not self.is_valid_pair(key, value):
                _logger.warning("tracestate: invalid list-member %r=%r dropped", key, value)
            elif key not in self._dict:
                self._dict[key] = value

    @classmethod
    def is_valid_pair(cls, key: object, value: object) -> bool:
        return (
            isinstance(key, str)
            and isinstance(value, str)
            and cls.key_re.fullmatch(key) is not None
            and VALUE_RE.fullmatch(value) is not None
        )

    def add(self, key: str, value: str) -> TraceState:
        if key in self._dict or len(self._dict) >= MAX_MEMBERS or not self.is_valid_pair(key, value):
            return self
        return type(self)([(key, value), *self._dict.items()])

    def update(self, key: str, value: str) -> TraceState:
        """Upsert, moving the key to the left (the SDK's semantics)."""
        if not self.is_valid_pair(key, value):
            return self
        if key not in self._dict and len(self._dict) >= MAX_MEMBERS:
            return self
        rest = [(k, v) for k, v in self._dict.items() if k != key]
        return type(self)([(key, value), *rest])

    def delete(self, key: str) -> TraceState:
        if key not in self._dict:
            return self
        return type(self)([(k, v) for k, v in self._dict.items() if k != key])


def _header_values(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):  # a getter that returns one string instead of a list
        return [values]
    return list(values)


def _split_members(values: Sequence[str]) -> list[str]:
    # RFC 9110 5.3: field lines are combined with ","; OWS around members is ignored; empty
    # and whitespace-only members are allowed and carry nothing.
    members = (member.strip(OWS) for member in ",".join(values).split(","))
    return [member for member in members if member]


def parse_tracestate(values: Sequence[str]) -> W3CTraceState:
    """The combined tracestate; empty when it must be discarded as a whole."""
    if sum(len(value) for value in values) + len(values) - 1 > MAX_TRACESTATE_INPUT:
        return W3CTraceState()
    members = _split_members(values)
    if len(members) > MAX_MEMBERS:
        return W3CTraceState()
    entries: dict[str, str] = {}
    for member in members:
        key, eq, val = member.partition("=")
        if not (eq and W3CTraceState.is_valid_pair(key, val)):
            return W3CTraceState()
        entries.setdefault(key, val)  # a duplicated key keeps its left-most (most recent) entry
    return W3CTraceState(list(entries.items()))


def format_traceparent(span_context: SpanContext, flags: int) -> str:
    trace_id, span_id = format_trace_id(span_context.trace_id), format_span_id(span_context.span_id)
    return f"00-{trace_id}-{span_id}-{flags & KNOWN_FLAGS:02x}"


def outgoing_flags(span: trace.Span) -> TraceFlags:
    """The span's sampled bit, and the random bit of the trace it continues."""
    span_context = span.get_span_context()
    flags = int(span_context.trace_flags) & KNOWN_FLAGS
    parent = getattr(span, "parent", None)  # SDK spans: the parent SpanContext (local or remote)
    if isinstance(parent, SpanContext) and parent.is_valid and parent.trace_id == span_context.trace_id:
        flags = (flags & ~TraceFlags.RANDOM_TRACE_ID) | (parent.trace_flags & TraceFlags.RANDOM_TRACE_ID)
    return TraceFlags(flags)


def _join(entries: Sequence[tuple[str, str]]) -> str:
    return ",".join(f"{key}={value}" for key, value in entries)


def serialize_tracestate(state: TraceState, max_length: int = MAX_TRACESTATE_INPUT) -> str:
    """The header, truncated by whole entries as the spec says: large (>128) entries first, then
    from the end."""
    entries = list(state.items())
    for index in reversed(range(len(entries))):
        if len(_join(entries)) <= max_length:
            return _join(entries)
        key, value = entries[index]
        if len(key) + 1 + len(value) > _LARGE_ENTRY:
            del entries[index]
    while entries and len(_join(entries)) > max_length:
        entries.pop()
    return _join(entries)


class StrictTraceContextPropagator(TraceContextTextMapPropagator):
    """W3C Trace Context (Level 1 REC + Level 2 random-trace-id flag), strict on input."""

    def extract(
        self,
        carrier: textmap.CarrierT,
        context: Context | None = None,
        getter: textmap.Getter[textmap.CarrierT] = textmap.default_getter,
    ) -> Context:
        context = Context() if context is None else context
        traceparents = _header_values(getter.get(carrier, TRACEPARENT))
        if len(traceparents) != 1:
            if traceparents:
                _logger.debug("%d traceparent header fields: restarting the trace", len(traceparents))
            return context
        parsed = parse_traceparent(traceparents[0])
        if parsed is None:  # "MUST NOT attempt to parse tracestate"
            _logger.debug("invalid traceparent %r: restarting the trace", traceparents[0])
            return context
        trace_id, span_id, flags = parsed
        tracestates = _header_values(getter.get(carrier, TRACESTATE))
        state = parse_tracestate(tracestates)
        span_context = SpanContext(
            trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags), trace_state=state
        )
        return trace.set_span_in_context(trace.NonRecordingSpan(span_context), context)

    def inject(
        self,
        carrier: textmap.CarrierT,
        context: Context | None = None,
        setter: textmap.Setter[textmap.CarrierT] = textmap.default_setter,
    ) -> None:
        span = trace.get_current_span(context)
        span_context = span.get_span_context()
        if not span_context.is_valid:
            return
        setter.set(carrier, TRACEPARENT, format_traceparent(span_context, outgoing_flags(span)))
        if span_context.trace_state:
            header = serialize_tracestate(span_context.trace_state)
            if header:
                setter.set(carrier, TRACESTATE, header)


class StrictTraceResponsePropagator(ResponsePropagator):
    """The response side: Level 2's `traceresponse` header. Flags: sampled and random only."""

    def inject(
        self,
        carrier: textmap.CarrierT,
        context: Context | None = None,
        setter: textmap.Setter = response_default_setter,
    ) -> None:
        span = trace.get_current_span(context)
        span_context = span.get_span_context()
        if not span_context.is_valid:
            return
        setter.set(carrier, "traceresponse", format_traceparent(span_context, outgoing_flags(span)))
        setter.set(carrier, "Access-Control-Expose-Headers", "traceresponse")
