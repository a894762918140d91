"""Draws a trace as a waterfall in the terminal: the span tree, kind, a duration bar and status."""

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracebreak.demo import CLIENT_SERVICE
from tracebreak.terminal import counted
from tracebreak.traces.model import Span, Trace

BAR_WIDTH = 20
SERVICE_COLOURS = {
    CLIENT_SERVICE: "white",
    "envoy": "magenta",
    "service-a": "cyan",
    "service-b": "green",
    "service-c": "yellow",
}


def _ordered(trace: Trace) -> list[tuple[int, Span, bool]]:
    """Depth-first rows (depth, span, orphan). Spans whose parent is missing start trees of their own."""
    rows: list[tuple[int, Span, bool]] = []

    def visit(span: Span, depth: int) -> None:
        # Only a tree's top can be an orphan: every other span was reached through its parent.
        rows.append((depth, span, depth == 0 and span.parent_id is not None))
        for child in trace.children(span):
            visit(child, depth + 1)

    for top in trace.tops:
        visit(top, 0)
    return rows


def _bar(span: Span, start_us: int, total_us: int) -> Text:
    offset = round((span.start_us - start_us) / total_us * BAR_WIDTH)
    length = max(1, round(span.duration_us / total_us * BAR_WIDTH))
    offset = min(offset, BAR_WIDTH - 1)
    length = min(length, BAR_WIDTH - offset)
    style = "red" if span.failed else SERVICE_COLOURS.get(span.service, "blue")
    return Text(" " * offset) + Text("█" * length, style=style) + Text(" " * (BAR_WIDTH - offset - length))


# The other columns and the padding between columns.
FIXED_WIDTH = 8 + 7 + BAR_WIDTH + 6 + 12


def table(trace: Trace, width: int = 120) -> Table:
    start = min(span.start_us for span in trace.spans)
    end = max(span.end_us for span in trace.spans)
    total = max(1, end - start)
    title = f"trace {trace.trace_id}  ({counted(len(trace.spans), 'span')}, {total / 1000:.1f} ms)"
    grid = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    # The tree column gives way on a narrow terminal; the others keep their width.
    grid.add_column("span", no_wrap=True, overflow="ellipsis", max_width=max(24, width - FIXED_WIDTH))
    grid.add_column("kind", no_wrap=True, min_width=8)
    grid.add_column("ms", justify="right", no_wrap=True, min_width=6)
    grid.add_column("", no_wrap=True, width=BAR_WIDTH)
    grid.add_column("status", no_wrap=True, min_width=6)
    for depth, span, orphan in _ordered(trace):
        name = Text(" " * depth)
        name.append(span.service, style=SERVICE_COLOURS.get(span.service, "blue"))
        name.append(f"  {span.operation}")
        if orphan:
            name.append(f"  (parent {span.parent_id} missing)", style="bold red")
        status = Text(span.status, style="bold red" if span.failed else "dim")
        grid.add_row(name, span.kind, f"{span.duration_us / 1000:.1f}", _bar(span, start, total), status)
    return grid


def draw(trace: Trace, console: Console | None = None) -> None:
    console = console or Console()
    console.print(table(trace, console.width))
