"""OTLP JSON-lines files, as the OpenTelemetry Collector's `file` exporter writes them: one
`{"resourceSpans": …}` document a line, hex ids. A file, or a folder of `*.json`/`*.jsonl` files."""

import json
from pathlib import Path

from tracebreak.traces.model import Trace
from tracebreak.traces.sources.read import FromTraces
from tracebreak.traces.sources.spans import ShapeError, in_window, merged, traces_of

PATTERNS = ("*.json", "*.jsonl")


class OtlpFiles(FromTraces):
    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ShapeError(f"{path}: no such file or folder of OTLP JSON lines")
        self.base_url = str(path)
        self._files = sorted(f for p in PATTERNS for f in path.glob(p)) if path.is_dir() else [path]

    def window(self, since_us: int, until_us: int) -> list[Trace]:
        found = [trace for file in self._files for trace in read_file(file)]
        self._read = traces = in_window(merged(found), since_us, until_us)
        return traces

    def close(self) -> None:
        pass  # each window reads the files whole: none is left open


def read_file(file: Path) -> list[Trace]:
    """Every trace in one file, a line at a time; a line that is not OTLP JSON is named by its number."""
    traces: list[Trace] = []
    with file.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                traces.extend(traces_of(json.loads(line)))
            except (ValueError, RecursionError) as error:
                raise ShapeError(
                    f"{file}:{number}: expected one OTLP JSON document "
                    f'({{"resourceSpans": …}}) a line: {error}'
                ) from None
    return traces
