"""Service B's sampler: the one place where B decides which of its spans are recorded."""

from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from tracebreak.chaos.catalogue import SAMPLER_NOT_PARENT_BASED
from tracebreak.chaos.reader import chaos


class ServiceBSampler(Sampler):
    def __init__(self) -> None:
        self._parent_based = ParentBased(ALWAYS_ON)

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if (rate := chaos.value(SAMPLER_NOT_PARENT_BASED)) > 0:
            # chaos: sampler-not-parent-based. WRONG: an independent ratio sampler. B tosses its own
            # coin whatever its caller decided; where it drops a trace, the trace stops at B.
            sampler: Sampler = TraceIdRatioBased(1 - rate)
        else:
            # RIGHT: follow the caller's decision; decide only where there is no caller.
            sampler = self._parent_based
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return "ServiceBSampler"
