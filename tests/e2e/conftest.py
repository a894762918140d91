"""The e2e tests run the real local stack: Tansu, Envoy, the trace store and the three services."""

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from services.service_a.client import RequestResult, request_order

# The browser's fixtures, for the web view's tests.
from tests.e2e.browser_support import SCREENSHOTS, browser, page  # noqa: F401
from tracebreak.demo import CLIENT_SERVICE
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime import telemetry
from tracebreak.runtime.correlation import SPAN_ATTRIBUTE
from tracebreak.runtime.ports import Ports
from tracebreak.traces.model import Trace
from tracebreak.traces.query import TraceQuery

T = TypeVar("T")

# The spans of one successful request, per service: the client's root and its HTTP CLIENT span;
# Envoy's SERVER and upstream CLIENT; A's SERVER, gRPC CLIENT and background audit; B's SERVER,
# PRODUCER and the reply's CONSUMER; C's receive and process CONSUMER spans, its database CLIENT and
# reply PRODUCER.
WHOLE_REQUEST = {"tracebreak-client": 2, "envoy": 2, "service-a": 3, "service-b": 3, "service-c": 4}
SERVICE_SPANS = {service: n for service, n in WHOLE_REQUEST.items() if service != "tracebreak-client"}

# Where each service records the request id on the span that received it.
REQUEST_ID_TAGS = {
    "envoy": "guid:x-request-id",
    "service-a": SPAN_ATTRIBUTE["http"],
    "service-b": SPAN_ATTRIBUTE["grpc"],
    "service-c": SPAN_ATTRIBUTE["kafka"],
}


def start_stack(data_dir: Path, **config: object) -> Iterator[Stack]:
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=data_dir, **config))  # type: ignore[arg-type]
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("stack"))


@pytest.fixture(scope="session")
def query(stack: Stack) -> Iterator[TraceQuery]:
    reader = TraceQuery(stack.config.query_url)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def client_telemetry(stack: Stack) -> Iterator[telemetry.Telemetry]:
    """The test process as a traced client (service tracebreak-client), exporting to the stack's store."""
    previous = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.config.otlp_url
    tel = telemetry.setup(CLIENT_SERVICE, json_logs=False)
    yield tel
    tel.shutdown_now()
    if previous is None:
        os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    else:
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = previous


def send_many(
    stack: Stack, tel: telemetry.Telemetry, order_ids: list[int], batch: int | None = None
) -> list[RequestResult]:
    """Requests sent together, `batch` at a time (all at once by default); their client spans flushed."""
    size = batch or max(1, len(order_ids))

    async def in_batches() -> list[RequestResult]:
        results: list[RequestResult] = []
        for i in range(0, len(order_ids), size):
            chunk = order_ids[i : i + size]
            results += await asyncio.gather(*(request_order(stack.config.edge_url, str(n)) for n in chunk))
        return results

    results = run(in_batches)
    tel.tracer_provider.force_flush()
    return results


def run(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run, also where this thread already runs a loop (Playwright's sync API does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine()).result()


def cli(config: StackConfig, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    """The `tracebreak` command, run as a user would, against the stack `config` describes."""
    env = {**os.environ, **config.client_env()}
    return subprocess.run(
        [sys.executable, "-m", "tracebreak.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def cli_request(config: StackConfig, *args: str) -> dict:
    result = cli(config, "request", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def access_log(stack: Stack) -> dict[str, dict]:
    """Envoy's access log so far, an entry per request id."""
    return {
        entry["request_id"]: entry
        for entry in map(json.loads, stack.config.access_log.read_text().splitlines())
    }


def span_counts(trace: Trace) -> Counter[str]:
    return Counter(span.service for span in trace.spans)


def has_spans(expected: dict[str, int]):
    return lambda trace: not trace.unresolved and all(span_counts(trace)[s] >= n for s, n in expected.items())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Where the web view's screenshots went: the folder CI keeps as artifacts."""
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"web view screenshots: {SCREENSHOTS}")
