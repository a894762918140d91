from rich.console import Console

from tracebreak.cli import waterfall
from tracebreak.traces.model import Span, Trace


def span(span_id, parent, service, operation, start, duration, **tags):
    return Span(
        "t" * 32, span_id, parent, service, operation, tags.pop("kind", "internal"), start, duration, tags
    )


def test_the_tree_shows_every_span_and_names_a_missing_parent():
    trace = Trace(
        "t" * 32,
        [
            span("a", None, "tracebreak-client", "request order", 0, 1000),
            span("b", "a", "service-a", "GET /orders/{order_id}", 100, 800, kind="server"),
            span("c", "b", "service-b", "AuthorizeOrder", 200, 500, **{"otel.status_code": "ERROR"}),
            span("d", "gone", "service-c", "enrichment.requests process", 300, 100, kind="consumer"),
        ],
    )
    console = Console(record=True, width=160)
    waterfall.draw(trace, console)
    text = console.export_text()
    for expected in (
        "request order",
        "GET /orders/{order_id}",
        "AuthorizeOrder",
        "parent gone missing",
        "ERROR",
    ):
        assert expected in text
    lines = text.splitlines()
    row = {
        name: next(i for i, line in enumerate(lines) if name in line)
        for name in ("request order", "AuthorizeOrder")
    }
    assert row["request order"] < row["AuthorizeOrder"]
    assert trace.roots == [trace.spans[0]] and trace.unresolved == [trace.spans[3]]


def test_a_trace_of_one_span_says_so_in_the_singular():
    ghost = Trace("t" * 32, [span("a", None, "service-a", "audit order", 0, 1000)])
    console = Console(record=True, width=160)
    waterfall.draw(ghost, console)
    assert f"trace {'t' * 32}  (1 span, 1.0 ms)" in console.export_text()
