"""What every trace source shares: the reader interface the doctor collects through, the defaults of a
source that holds traces only, and a source that knows its services and operations only from the
traces it read."""

from collections.abc import Sequence
from typing import Any, Protocol

from tracebreak.traces.model import Trace


class TraceSource(Protocol):
    base_url: str  # where the traces come from, as the doctor's report names it

    def window(self, since_us: int, until_us: int) -> list[Trace]:
        """Every trace with a span in the window, each once."""
        ...

    def services(self) -> list[str]: ...

    def operations(self, service: str, span_kind: str = "") -> list[str]: ...

    def logs(self, trace_id: str | None = None, start_us: int = 0, end_us: int = 0) -> list[dict] | None:
        """Log records of a window, or None where the source keeps none."""
        ...

    def judged(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The source's own verdict over a window (tracebreak's store), or None."""
        ...

    def close(self) -> None: ...


class TracesOnly:
    """A source of traces alone: no log records, no verdict of its own (all but tracebreak's store)."""

    def logs(self, trace_id: str | None = None, start_us: int = 0, end_us: int = 0) -> list[dict] | None:
        return None

    def judged(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return None


class FromTraces(TracesOnly):
    """A source whose services and operations are those of the last window it read: OTLP files and
    Tempo have no endpoint listing a service's server operations."""

    base_url = ""
    _read: Sequence[Trace] = ()  # the last window's traces

    def services(self) -> list[str]:
        return sorted({span.service for trace in self._read for span in trace.spans})

    def operations(self, service: str, span_kind: str = "") -> list[str]:
        return sorted(
            {
                span.operation
                for trace in self._read
                for span in trace.spans
                if span.service == service and span_kind in ("", span.kind)
            }
        )
