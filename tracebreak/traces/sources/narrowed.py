"""One part of a shared backend: the traces with a span from a given resource, e.g. one trainee's
namespace in a workshop room (`--resource k8s.namespace.name=trainee-07`). The backend is asked for
those traces where its search can say so (Jaeger's `tags`, `/api/v3`'s `query.attributes`, TraceQL's
`resource.` scope), and every trace read is checked again here, so a backend that ignores the hint, or
a file, gives the same answer."""

from collections.abc import Mapping
from typing import Any

from tracebreak.traces.model import Span, Trace
from tracebreak.traces.sources.read import TraceSource


def resource_filter(given: list[str] | None) -> dict[str, str]:
    """`KEY=VALUE` pairs (each flag one, or several comma-separated) as a mapping; a pair without `=`,
    or with nothing before it, is a ValueError saying how to write one."""
    wanted: dict[str, str] = {}
    for pair in (part.strip() for text in given or [] for part in text.split(",")):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--resource takes KEY=VALUE, e.g. k8s.namespace.name=trainee-07, not {pair!r}")
        wanted[key.strip()] = value.strip()
    return wanted


def matches(span: Span, wanted: Mapping[str, str]) -> bool:
    return all(str(span.resource.get(key)) == value for key, value in wanted.items())


class Narrowed:
    """A source seen through a resource filter: its windows hold only the traces with a matching span.
    It gives no verdict of its own (the store's `/api/doctor` judges every trace), so the doctor judges
    what is left here."""

    def __init__(self, source: TraceSource, wanted: Mapping[str, str]) -> None:
        self.source, self.wanted = source, dict(wanted)
        self.base_url = f"{source.base_url} where " + ", ".join(f"{k}={v}" for k, v in self.wanted.items())

    def window(self, since_us: int, until_us: int) -> list[Trace]:
        found = self.source.window(since_us, until_us)
        return [trace for trace in found if any(matches(span, self.wanted) for span in trace.spans)]

    def services(self) -> list[str]:
        return self.source.services()

    def operations(self, service: str, span_kind: str = "") -> list[str]:
        return self.source.operations(service, span_kind)

    def logs(self, trace_id: str | None = None, start_us: int = 0, end_us: int = 0) -> list[dict] | None:
        return self.source.logs(trace_id, start_us, end_us)

    def judged(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        self.source.close()


def narrowed(source: TraceSource, wanted: Mapping[str, str]) -> TraceSource:
    """`source` itself where nothing is wanted. A source that searches by resource is opened with the
    same pairs (open_source's `resource`), so that the backend narrows its answers first."""
    return Narrowed(source, wanted) if wanted else source
