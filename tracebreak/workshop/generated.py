"""What the cluster path's pages quote, made from the manifests and the benchmarks so it cannot drift:
the sizing tables in docs/workshop.md, the arithmetic and the rendered excerpts in
docs/labs/22-tail-sampling-split.md, and the committed example room (deploy/kubernetes/examples).

`python -m tracebreak.workshop.generated` rewrites them; tests/unit/test_kubernetes_room.py fails when
a page or the example and what this makes disagree. Needs kubectl (the cluster extra).
"""

import math
import tempfile
from pathlib import Path

import yaml

from tracebreak.demo import WHOLE_SPANS
from tracebreak.durations import parse_duration_us
from tracebreak.markers import generated, replaced
from tracebreak.workshop import collector, kustomize, render, sizing

WORKSHOP = render.ROOT / "docs" / "workshop.md"
LAB = render.ROOT / "docs" / "labs" / "22-tail-sampling-split.md"
EXAMPLE = render.KUBERNETES / "examples" / "two-trainees"
EXAMPLE_TRAINEES = 2
# The example's objects, as `kubectl kustomize` renders the folder: `kubectl apply -f` takes it too.
EXAMPLE_OBJECTS = EXAMPLE.parent / "two-trainees.yaml"
SCRIPT = "python -m tracebreak.workshop.generated"
SIZING = generated("cluster-sizing", SCRIPT)
DECISION_WAIT = generated("decision-wait", SCRIPT)
EXCERPT = generated("split-excerpt", SCRIPT)
NODES = ((4, 16), (8, 32), (16, 64))
# The sampler's memory_limiter refuses data above limit - spike (75% - 20%) of its container's memory.
SAMPLER_MIB = 1024
SOFT_LIMIT_SHARE = 0.55


def sizing_tables(compose_memory_mib: dict[str, int]) -> str:
    parts = sizing.parts(compose_memory_mib)
    rows = [
        f"| {p.name} | {p.ms_per_request} | {p.replicas} | {p.millicores}m | {p.memory_mib} MiB |"
        for p in parts
    ]
    cpu = sum(p.millicores * p.replicas for p in parts)
    memory = sum(p.memory_mib * p.replicas for p in parts)
    nodes = []
    for cores, gib in NODES:
        by_cpu, by_memory = sizing.trainees_per_node(parts, cores, gib)
        nodes.append(f"| {cores} cores, {gib} GiB | {by_cpu} | {by_memory} | **{min(by_cpu, by_memory)}** |")
    return "\n".join(
        [
            f"One namespace at {sizing.TRAINEE_RPS} req/s (CPU per request: bench/results/latest.md):",
            "",
            "| part | CPU ms per request | replicas | CPU request each | memory each |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            f"| **a namespace** | | | **{cpu}m** | **{memory} MiB** |",
            "",
            f"Trainees per node, {sizing.NODE_RESERVED_SHARE:.0%} of it left to the system:",
            "",
            "| node | by CPU | by memory | trainees |",
            "| --- | --- | --- | --- |",
            *nodes,
        ]
    )


def decision_wait_table(wait_s: int) -> str:
    soft_mb = SAMPLER_MIB * 1.048576 * SOFT_LIMIT_SHARE  # MiB to MB, as the spans' bytes are counted
    cases = [
        ("the article", sizing.ARTICLE_RPS, sizing.ARTICLE_SPANS),
        (
            f"this room, {sizing.ROOM_TRAINEES} trainees",
            sizing.ROOM_TRAINEES * sizing.TRAINEE_RPS,
            WHOLE_SPANS,
        ),
    ]
    rows = []
    for name, rps, spans in cases:
        _, whole_mb = sizing.held_in_decision_wait(rps, spans, wait_s, 1)
        needed = max(1, math.ceil(whole_mb / soft_mb))
        for replicas in sorted({1, needed, sizing.SAMPLER_REPLICAS}):
            traces, mb = sizing.held_in_decision_wait(rps, spans, wait_s, replicas)
            rows.append(f"| {name} | {rps:,} | {spans} | {replicas} | {traces:,} | {mb:,.0f} MB |")
    return "\n".join(
        [
            f"decision_wait {wait_s} s, {sizing.SPAN_KB} KB a span, {SAMPLER_MIB} MiB a replica"
            f" (its memory_limiter refuses data above {soft_mb:,.0f} MB):",
            "",
            "| case | traces/s | spans a trace | replicas | traces a replica holds | spans' bytes it holds |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )


def excerpt(objects_by_variant: dict[str, list[dict]]) -> str:
    """What trainee-01's agent sends its traces to, and the Service behind that name, each way."""
    blocks = []
    for variant, objects in objects_by_variant.items():
        exporters = collector.traces_exporters(
            collector.effective(objects, "Deployment", "otel-collector", "trainee-01")
        )
        service = kustomize.find(objects, "Service", _service_name(exporters), "tracebreak-room")
        shown = {
            "traces exporters": exporters,
            "the Service": {"name": service["metadata"]["name"], **_kind(service)},
        }
        command = (
            f"tracebreak workshop render --trainees 1{_flag(variant)} --out room && kubectl kustomize room"
        )
        blocks += [f"```yaml\n# {command}\n{yaml.safe_dump(shown, sort_keys=False).rstrip()}\n```"]
    return "\n\n".join(blocks)


def _flag(variant: str) -> str:
    return "" if variant == "whole" else f" --variant {variant}"


def _service_name(exporters: dict) -> str:
    (settings,) = exporters.values()
    host = settings["resolver"]["dns"]["hostname"] if "resolver" in settings else settings["endpoint"]
    return host.split(".")[0]


def _kind(service: dict) -> dict:
    spec = service["spec"]
    return (
        {"clusterIP": spec["clusterIP"]} if "clusterIP" in spec else {"type": spec.get("type", "ClusterIP")}
    )


def rendered_objects(trainees: int, variant: str | None = None) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        render.render(trainees, Path(folder) / "room", variant)
        return kustomize.build(Path(folder) / "room")


def wait_seconds(objects: list[dict]) -> int:
    config = collector.effective(objects, "StatefulSet", "tail-sampling", "tracebreak-room")
    return parse_duration_us(config["processors"]["tail_sampling"]["decision_wait"]) // 1_000_000


def pages(compose_memory_mib: dict[str, int]) -> dict[Path, str]:
    """Each page with its generated parts made anew."""
    whole = rendered_objects(1)
    split = rendered_objects(1, "tail-sampling-split")
    lab = replaced(LAB.read_text(), DECISION_WAIT, decision_wait_table(wait_seconds(whole)), LAB)
    lab = replaced(lab, EXCERPT, excerpt({"whole": whole, "tail-sampling-split": split}), LAB)
    workshop = replaced(WORKSHOP.read_text(), SIZING, sizing_tables(compose_memory_mib), WORKSHOP)
    return {WORKSHOP: workshop, LAB: lab}


def compose_memory() -> dict[str, int]:
    """docker-compose.yml's mem_limit per service, in MiB."""
    services = yaml.safe_load((render.ROOT / "docker-compose.yml").read_text())["services"]
    units = {"m": 1, "g": 1024}
    return {name: int(s["mem_limit"][:-1]) * units[s["mem_limit"][-1]] for name, s in services.items()}


def write_example() -> None:
    render.render(EXAMPLE_TRAINEES, EXAMPLE)
    objects = kustomize.build(EXAMPLE)
    EXAMPLE_OBJECTS.write_text(yaml.safe_dump_all(objects, sort_keys=False))


if __name__ == "__main__":
    for page, text in pages(compose_memory()).items():
        page.write_text(text)
    write_example()
