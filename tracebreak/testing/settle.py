"""Reading a source until one request's spans settle: found, with none newer than the settle time,
and every service asked for among them; or the deadline passed."""

import time
from dataclasses import dataclass

from tracebreak.doctor.collect import Collected, collect, traced
from tracebreak.doctor.report import Verdict
from tracebreak.doctor.request import Request
from tracebreak.doctor.rules import diagnose
from tracebreak.testing.target import Target
from tracebreak.traces.model import Trace
from tracebreak.traces.sources.read import TraceSource


@dataclass(frozen=True)
class Found:
    verdict: Verdict | None  # None: no span of the request arrived
    settled: bool

    @property
    def connected(self) -> bool:
        """One trace, or whole with its other traces joined by a link (a batch's trace)."""
        verdict = self.verdict
        return (
            verdict is not None
            and verdict.whole
            and (len(verdict.request.traces) == 1 or verdict.whole_by_link)
        )

    def missing(self, services: frozenset[str]) -> set[str]:
        seen = {span.service for span in self.verdict.request.spans} if self.verdict else set()
        return set(services) - seen

    def done(self, services: frozenset[str]) -> bool:
        """Nothing more to wait for: no span is still arriving, and every service asked for is there
        (a service's spans may come in late, on an export schedule of its own)."""
        return self.settled and not self.missing(services)


def until_settled(
    source: TraceSource,
    target: Target,
    since_us: int,
    settle_us: int,
    timeout_s: float,
    services: frozenset[str] = frozenset(),
) -> Found:
    """The request once its spans have settled, or as it is at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        now_us = time.time_ns() // 1000
        found = find(source, target, collect(source, since_us, now_us, settle_us), now_us - settle_us)
        if found.done(services) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)  # polling while the last spans arrive, bounded by the deadline


def find(source: TraceSource, target: Target, collected: Collected, settled_before_us: int) -> Found:
    """The request among those joined (settled, then still arriving); by trace id, a trace that
    carries no request id is judged alone, as the doctor judges a request of one trace."""
    for requests, settled in ((collected.requests, True), (collected.pending, False)):
        for request in requests:
            if target.of(request):
                return Found(Verdict(request, diagnose(request)), settled)
    for trace in collected.unjoined if target.trace_id else ():
        if trace.trace_id == target.trace_id:
            request = alone(source, trace)
            latest_us = max(span.end_us for span in trace.spans)
            return Found(Verdict(request, diagnose(request)), latest_us < settled_before_us)
    return Found(None, False)


def alone(source: TraceSource, trace: Trace) -> Request:
    """A trace with no request id as a request of its own, named by its trace id, knowing what the
    source's servers are called (a call to anything else goes to a callee that is not traced)."""
    names, routes = traced(source, source.services())
    return Request(trace.trace_id, [trace], None, names, routes)
