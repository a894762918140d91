"""What a trainee's namespace and the room's tail-sampling tier need, from the benchmarks' figures.

CPU comes from bench/results/latest.md: each process's CPU time per request (tracing on, at the
lowest measured rate, where the per-request cost is highest), times the rate a trainee's load runs
at. Memory is docker-compose.yml's `mem_limit`, requested whole: nothing measures it lower.
"""

import functools
import math
from dataclasses import dataclass

from tracebreak.workshop.render import ROOT

BENCH = ROOT / "bench" / "results" / "latest.md"
CPU_TABLE = "CPU time per request by process"

# docker-compose.yml's load generator runs at 20 req/s unless told otherwise (TRACEBREAK_LOAD_RPS).
TRAINEE_RPS = 20
# Each part's measure in the bench table. The bench's broker is the local stack's Tansu, and its trace
# store takes OTLP as the agent does: the nearest measures there are of Kafka and of the agent.
MEASURED_AS = {
    "envoy": "envoy",
    "service-a": "service-a",
    "service-b": "service-b",
    "service-c": "service-c",
    "kafka": "broker",
    "otel-collector": "trace-store",
}
# The agents run two to a namespace (deploy/kubernetes/base/collector.yaml) and hold only batches of
# 200 ms, no traces: compose's 768 MB is for its collector's tail sampling, which the room does here.
REPLICAS = {"otel-collector": 2}
MEMORY_MIB = {"otel-collector": 256}
# The room's tail-sampling tier is sized for the forty trainees, on two replicas; its CPU per
# request is the trace store's measure again (it takes every span of every namespace over OTLP).
ROOM_TRAINEES = 40
SAMPLER_REPLICAS = 2
# A CPU request is never below this: a pod asking for less is scheduled as if it were free.
MIN_MILLICORES = 50
# What the nodes leave to the kubelet and the system (a typical reservation) out of each core and GiB.
NODE_RESERVED_SHARE = 0.1

# The article's example for the tail-sampling tier (a healthy tracebreak request's spans are
# tracebreak.demo.WHOLE_SPANS).
ARTICLE_RPS = 10_000
ARTICLE_SPANS = 8
SPAN_KB = 2


@dataclass(frozen=True)
class Part:
    name: str
    ms_per_request: float
    memory_mib: int
    replicas: int = 1

    @property
    def millicores(self) -> int:
        """Each replica's CPU request: its share of the part's CPU at TRAINEE_RPS, to 10 millicores."""
        return millicores(self.ms_per_request * TRAINEE_RPS / self.replicas)


def millicores(ms_per_second: float) -> int:
    return max(MIN_MILLICORES, math.ceil(ms_per_second / 10) * 10)


def cpu_per_request(text: str) -> dict[str, float]:
    """The first tracing-on row of the bench's CPU table: process name to CPU ms per request."""
    lines = text.partition(CPU_TABLE)[2].splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines if line.startswith("|")]
    if len(rows) < 3:
        raise ValueError(f"{BENCH}: no table under {CPU_TABLE!r}")
    header, *data = (rows[0], *rows[2:])
    row = next(r for r in data if r[0] == "on")
    return {
        name: float(value) for name, value in zip(header, row, strict=True) if name not in ("tracing", "rps")
    }


@functools.cache
def measured() -> dict[str, float]:
    """The benchmark's CPU per request, read once."""
    return cpu_per_request(BENCH.read_text())


def parts(memory_mib: dict[str, int]) -> list[Part]:
    """Every part of a trainee's namespace, sized; `memory_mib` is compose's mem_limit per service."""
    return [
        Part(name, measured()[source], MEMORY_MIB.get(name, memory_mib[name]), REPLICAS.get(name, 1))
        for name, source in MEASURED_AS.items()
    ]


def sampler_millicores() -> int:
    """Each tail-sampling replica's CPU request, for ROOM_TRAINEES namespaces at TRAINEE_RPS."""
    return millicores(
        measured()[MEASURED_AS["otel-collector"]] * ROOM_TRAINEES * TRAINEE_RPS / SAMPLER_REPLICAS
    )


def trainees_per_node(sized: list[Part], cores: int, memory_gib: int) -> tuple[int, int]:
    """How many namespaces fit one node by CPU requests, and by memory requests."""
    usable = 1 - NODE_RESERVED_SHARE
    by_cpu = math.floor(cores * 1000 * usable / sum(p.millicores * p.replicas for p in sized))
    by_memory = math.floor(memory_gib * 1024 * usable / sum(p.memory_mib * p.replicas for p in sized))
    return by_cpu, by_memory


def held_in_decision_wait(rps: int, spans: int, decision_wait_s: int, replicas: int) -> tuple[int, float]:
    """Traces and MB one tail-sampling replica holds while it waits to decide, its share of the rate."""
    traces = math.ceil(rps * decision_wait_s / replicas)
    return traces, traces * spans * SPAN_KB / 1000
