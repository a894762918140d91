"""The real local stack as the e2e tests drive it: started on free ports, sent requests, asked through
the `tracebreak` command, and what one whole request looks like in its traces."""

import asyncio
import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from services.service_a.client import RequestResult, request_order
from tests.support.cli import tracebreak
from tracebreak.demo import CLIENT_SERVICE, WHOLE_REQUEST
from tracebreak.local.loops import run_beside_any_loop
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime import telemetry
from tracebreak.runtime.correlation import SPAN_ATTRIBUTE
from tracebreak.runtime.ports import Ports
from tracebreak.traces.model import Trace

SERVICE_SPANS = {service: n for service, n in WHOLE_REQUEST.items() if service != CLIENT_SERVICE}

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

    results = run_beside_any_loop(in_batches())
    tel.tracer_provider.force_flush()
    return results


def cli(config: StackConfig, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    """The `tracebreak` command, run as a user would, against the stack `config` describes."""
    return tracebreak(*args, env=config.client_env(), timeout_s=timeout_s)


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


def has_spans(expected: dict[str, int]) -> Callable[[Trace], bool]:
    return lambda trace: not trace.unresolved and all(span_counts(trace)[s] >= n for s, n in expected.items())


Audit = tuple[int, dict[int, dict]]


def doctor(stack: Stack, *options: str) -> dict:
    """`tracebreak doctor --json` on the stack: its verdict."""
    result = cli(stack.config, "doctor", "--json", *options)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def audit(stack: Stack, *options: str) -> Audit:
    """`tracebreak audit --json` on the stack: its exit code, and its items by number."""
    config = stack.config
    args = ["audit", "--json", "--flags", str(config.flags_file), "--envoy-admin", config.edge_admin_url]
    result = cli(config, *args, *config.port_flags(), *options, timeout_s=120)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, {item["item"]: item for item in json.loads(result.stdout)["items"]}
