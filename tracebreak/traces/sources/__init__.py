"""Where the doctor reads traces from: a URL or a path, its kind stated or detected (open_source)."""

from collections.abc import Mapping
from pathlib import Path

import httpx

from tracebreak.traces.query import HttpReader, QueryError, TraceQuery
from tracebreak.traces.sources.jaeger_v3 import JaegerV3
from tracebreak.traces.sources.otlp_files import OtlpFiles
from tracebreak.traces.sources.read import TraceSource
from tracebreak.traces.sources.tempo import Tempo

KINDS: dict[str, type[HttpReader]] = {"jaeger": TraceQuery, "jaeger-v3": JaegerV3, "tempo": Tempo}
# What a bare URL is probed with, in order: the first that answers with a list under its key (Tempo:
# the text "echo") decides.
PROBES: tuple[tuple[str, str, str], ...] = (
    ("jaeger", "/api/services", "data"),
    ("jaeger-v3", "/api/v3/services", "services"),
    ("tempo", "/api/echo", ""),
)
HELP = (
    "where the traces are: a URL, its kind stated as jaeger+http://… (Jaeger's /api: the store, Jaeger "
    "v1 and v2), jaeger-v3+http://… (Jaeger v2's /api/v3), tempo+http://… (Grafana Tempo); or a bare "
    "URL, probed in that order; or a path: an OTLP JSON-lines file, or a folder of *.json/*.jsonl "
    "files, as the Collector's file exporter writes them"
)


def open_source(text: str, timeout_s: float = 5, resource: Mapping[str, str] | None = None) -> TraceSource:
    """The source `text` names; a backend's searches asked for `resource`'s attributes only (see
    narrowed.py, which checks what they answer)."""
    kind, sep, rest = text.partition("+")
    if sep and kind in KINDS and "://" in rest:
        return KINDS[kind](rest, timeout_s, resource=resource)  # type: ignore[return-value]
    if "://" not in text:
        return OtlpFiles(Path(text))
    return KINDS[detected(text, timeout_s)](text, timeout_s, resource=resource)  # type: ignore[return-value]


def detected(url: str, timeout_s: float) -> str:
    """The kind of backend at `url`: the first probe it answers in that kind's shape."""
    with httpx.Client(timeout=timeout_s) as http:
        for kind, path, key in PROBES:
            try:
                response = http.get(url.rstrip("/") + path)
            except httpx.HTTPError as error:
                raise QueryError(f"cannot reach {url}: {error}") from None
            if response.status_code == 200 and _shaped(response, key):
                return kind
    expected = ", ".join(
        f'{path} answering {{"{key}": […]}}' if key else f"{path} answering echo" for _, path, key in PROBES
    )
    raise QueryError(
        f"{url} answered none of {expected}: state its kind (jaeger+, jaeger-v3+ or tempo+ before the URL)"
    )


def _shaped(response: httpx.Response, key: str) -> bool:
    if not key:
        return response.text.strip() == "echo"
    try:
        document = response.json()
    except ValueError:
        return False
    return isinstance(document, dict) and isinstance(document.get(key), list)
