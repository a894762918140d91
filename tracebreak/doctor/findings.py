"""A finding: one signature at one boundary of a request, with the spans that show it."""

from dataclasses import dataclass, field
from typing import Any

from tracebreak import signatures as sig
from tracebreak.signatures import Boundary
from tracebreak.traces.model import Span


@dataclass
class Finding:
    signature: sig.Signature
    boundary: Boundary
    trace_ids: list[str] = field(default_factory=list)
    span_ids: list[str] = field(default_factory=list)
    log_lines: int = 0  # the request's log lines without a trace id (logs-without-trace-id)
    requests_in_trace: int = 0  # how many requests the trace holds (mega-trace)
    # Where the context was lost, the spans a request's page marks: the hop that let it go, in the
    # fragment that held the context and failed to pass it on. Never a receiver that began a trace
    # of its own only because no context reached it: with no propagator in B, B's send to Kafka
    # carried nothing, and it is B's fragment that is marked, not C's, which started anew.
    lost_at: list[str] = field(default_factory=list)
    # Each side's propagator headers, where the two share none (propagator-mismatch).
    propagators: dict[str, list[str]] = field(default_factory=dict)
    # What the spans measured, where a signature needs numbers to be believed (baggage sizes).
    detail: str = ""

    @property
    def fix(self) -> str:
        return self.signature.fix_at(self.boundary)

    def as_dict(self) -> dict[str, Any]:
        return {
            "signature": self.signature.name,
            "boundary": {
                "from": self.boundary.source,
                "to": self.boundary.target,
                "protocol": self.boundary.protocol,
            },
            "at": str(self.boundary),
            "evidence": self._evidence(),
            "lost_at": self.lost_at,
            "fix": self.fix,
        }

    def _evidence(self) -> dict[str, Any]:
        found: dict[str, Any] = {"trace_ids": self.trace_ids, "span_ids": self.span_ids}
        found["log_lines"] = self.log_lines
        if self.requests_in_trace:
            found["requests_in_trace"] = self.requests_in_trace
        if self.detail:
            found["detail"] = self.detail
        return {**found, "propagators": self.propagators} if self.propagators else found


class Findings:
    """A request's findings as the rules make them: one per signature and boundary, in the order found."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, Boundary], Finding] = {}

    def add(
        self, signature: sig.Signature, boundary: Boundary, *spans: Span, lost: list[Span] | None = None
    ) -> Finding:
        """The finding, with `spans` as its evidence; `lost` (all of `spans` by default) are where the
        context was lost."""
        finding = self._by_key.setdefault((signature.name, boundary), Finding(signature, boundary))
        for span in spans:
            if span.trace_id not in finding.trace_ids:
                finding.trace_ids.append(span.trace_id)
            if span.span_id not in finding.span_ids:
                finding.span_ids.append(span.span_id)
        for span in spans if lost is None else lost:
            if span.span_id not in finding.lost_at:
                finding.lost_at.append(span.span_id)
        return finding

    def all(self) -> list[Finding]:
        return list(self._by_key.values())
