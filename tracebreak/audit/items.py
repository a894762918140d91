"""Each checklist item judged on what was observed."""

from collections.abc import Callable

from tracebreak.audit import checklist as c
from tracebreak.audit import collector, logs
from tracebreak.audit.gather import Observed
from tracebreak.audit.static import fail, weigh
from tracebreak.demo import CLIENT_SERVICE, SERVICES
from tracebreak.doctor.rules import Request
from tracebreak.runtime.propagation import FIELDS_ATTRIBUTE
from tracebreak.terminal import counted
from tracebreak.traces import Span, Trace
from tracebreak.wire.hops import MALFORMED

EDGE = "envoy"
CHAIN = (CLIENT_SERVICE, EDGE, *SERVICES)  # the services one request crosses, in order
NEEDED_FIELDS = {"traceparent", "baggage"}


def _new(item: c.Item, observed: Observed, *needs: str) -> c.Result:
    """A passing result, or a skipped one if none of what it needs could be looked at."""
    missing = [observed.skipped[need] for need in needs if need in observed.skipped]
    result = c.Result(item, "SKIP" if len(missing) == len(needs) else "PASS")
    result.evidence += [f"not looked at: {why}" for why in missing]
    return result


def wire(observed: Observed) -> c.Result:
    result = _new(c.WIRE, observed, "wire", "lint")
    if observed.wire is not None:
        sent = [hop for hop in observed.wire.hops if hop.source != "broker"]  # a fetch repeats its produce
        for hop in sent:
            if hop.traceparent is None or hop.verdict == MALFORMED:
                name = f"{hop.source} -> {hop.target}"
                fail(result, f"no traceparent on {name} ({hop.protocol}), request {hop.request_id}", name)
        if result.status == "PASS":
            result.evidence.append(
                f"{counted(len(sent), 'call')} of request {observed.wire.request_id}: each carries a "
                "traceparent"
            )
    weigh(result, observed.lint, {"gateway", "grpc", "http"}, observed.toggles)
    return result


def roots(observed: Observed) -> c.Result:
    result = _new(c.ROOTS, observed, "traces")
    request = observed.request
    if request is None:
        return _no_traces(result, observed)
    for trace in request.traces:
        for top in trace.tops:
            if top.service in SERVICES:
                fail(
                    result, f"{top.service} starts trace {trace.trace_id} with '{top.operation}'", top.service
                )
    if result.status == "PASS":
        result.evidence.append(f"request {request.request_id}: its traces start at {_starts(request.traces)}")
    return result


def _starts(traces: list[Trace]) -> str:
    return ", ".join(sorted({f"{top.service} ('{top.operation}')" for t in traces for top in t.tops}))


def _no_traces(result: c.Result, observed: Observed) -> c.Result:
    if "traces" not in observed.skipped:
        fail(result, f"request {observed.sent.request_id} did not reach the backend", "every service")
    return result


def tasks(observed: Observed) -> c.Result:
    result = _new(c.TASKS, observed, "lint")
    weigh(result, observed.lint, {"task", "executor"}, observed.toggles)
    return result


def kafka(observed: Observed) -> c.Result:
    result = _new(c.KAFKA, observed, "traces", "lint")
    request = observed.request
    if request is not None:
        produced = {s.trace_id for s in request.spans if s.service == "service-b" and s.kind == "producer"}
        for span in request.spans:
            if (
                span.service == "service-c"
                and span.kind == "consumer"
                and span.operation.endswith(" process")
            ):
                _consumed(result, span, produced)
    weigh(result, observed.lint, {"kafka"}, observed.toggles)
    return result


def _consumed(result: c.Result, span: Span, produced: set[str]) -> None:
    if span.trace_id in produced:
        result.evidence.append(f"service-c's '{span.operation}' continues service-b's trace {span.trace_id}")
    else:
        boundary = "service-b -> service-c (Kafka)"
        fail(
            result,
            f"service-c's '{span.operation}' starts trace {span.trace_id}; service-b sent {sorted(produced)}",
            boundary,
        )


def log_lines(observed: Observed) -> c.Result:
    result = _new(c.LOGS, observed, "logs", "lint")
    if observed.logs is not None:
        by_service: dict[str, list[dict]] = {}
        for line in observed.logs:
            by_service.setdefault(str(line["service"]), []).append(line)
        for service, lines in sorted(by_service.items()):
            dark = [line for line in lines if logs.empty(line["trace_id"])]
            if dark:
                fail(
                    result,
                    f"{service}: {len(dark)} of {counted(len(lines), 'log line')} without a trace_id",
                    f"{service}'s logs",
                )
            else:
                result.evidence.append(f"{service}: {counted(len(lines), 'log line')}, each with a trace_id")
        if not by_service:
            fail(
                result, f"no log line of request {observed.sent.request_id} was found", "every service's logs"
            )
    weigh(result, observed.lint, {"logging"}, observed.toggles)
    return result


def sampling(observed: Observed) -> c.Result:
    return collector.judge(c.Result(c.SAMPLING, "PASS"), observed.collector)


def propagators(observed: Observed) -> c.Result:
    result = _new(c.PROPAGATORS, observed, "traces", "lint")
    reported: dict[str, set[str]] = {}
    for span in observed.request.spans if observed.request else []:
        if FIELDS_ATTRIBUTE in span.tags:
            reported.setdefault(span.service, set()).update(
                filter(None, str(span.tags[FIELDS_ATTRIBUTE]).split(","))
            )
    for service, fields in sorted(reported.items()):
        if fields >= NEEDED_FIELDS:
            result.evidence.append(f"{service} propagates {', '.join(sorted(fields))}")
        else:
            lacking = ", ".join(sorted(NEEDED_FIELDS - fields))
            fail(
                result,
                f"{service}'s propagators handle no {lacking}: it injects and extracts nothing of it",
                f"{service} (every boundary)",
            )
    weigh(result, observed.lint, {"propagator"}, observed.toggles)
    return result


def synthetic(observed: Observed) -> c.Result:
    result = _new(c.SYNTHETIC, observed, "traces", "lint")
    request = observed.request
    if request is None:
        _no_traces(result, observed)
    else:
        _one_trace(result, request)
    weigh(result, observed.lint, {"sampler", "exception"}, observed.toggles)
    return result


def _one_trace(result: c.Result, request: Request) -> None:
    present = request.main.services
    missing = [service for service in CHAIN if service not in present]
    if len(request.traces) == 1 and not missing:
        result.evidence.append(
            f"request {request.request_id}: one trace {request.main.trace_id} across {', '.join(CHAIN)}"
        )
        return
    if len(request.traces) > 1:
        ids = ", ".join(t.trace_id for t in request.traces)
        fail(
            result,
            f"request {request.request_id} is {len(request.traces)} traces: {ids}",
            _first_gap(missing) or "every service",
        )
    if missing:
        fail(result, f"trace {request.main.trace_id} lacks {', '.join(missing)}", _first_gap(missing) or "")


def _first_gap(missing: list[str]) -> str | None:
    """Where the chain leaves the main trace: the last service in it -> the first one not."""
    first = next((CHAIN.index(s) for s in missing), None)
    return f"{CHAIN[first - 1]} -> {CHAIN[first]}" if first else None


CHECKS: tuple[Callable[[Observed], c.Result], ...] = (
    wire,
    roots,
    tasks,
    kafka,
    log_lines,
    sampling,
    propagators,
    synthetic,
)
