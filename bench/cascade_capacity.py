"""Cascade capacity: the highest rate the full local stack sustains with p99 <= 100 ms and no errors,
with tracing on and with it off (OTEL_SDK_DISABLED=true in the generator and the services); the tracing
overhead at p50 at 100 rps; each process's CPU at each step, which shows what saturates first;
and the share of whole traces at 50% and 100% of capacity, tracing on.

    python -m bench.cascade_capacity [--rates 50,100,...] [--seconds 8]

Everything (broker, trace store, Envoy, A, B, C and the generator) shares this machine's cores, so
the figures are for the machine at hand; the CPU table says which part would need a core of its own.
The steps run one after another on one broker, which slows as it holds more records (see
broker_drift). Envoy keeps tracing in both modes: it samples every request it starts a trace for itself (its
request-id sampling is off, see envoy/), and its `tracing.*` runtime keys do not change that, so with
tracing off the store still receives Envoy's two spans per request.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.table import markdown
from tracebreak.demo import DEMO_TOKEN
from tracebreak.local.processes import poll
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime.ports import Ports

P99_LIMIT_MS = 100
TARGET_RPS = 500
OVERHEAD_RATE = 100
TARGET_OVERHEAD = 0.15
TARGET_CASCADE_MS = 7
TARGET_IDLE = 0.05
SHIPPED = "shipped"
# The settings the cascade had before, each brought back by one variable in the services' environment,
# measured beside it at OVERHEAD_RATE. uvloop and httptools were measured the same way and dropped: 0.25
# ms of 11 a request, within the noise between turns.
PREVIOUS = {"previous defaults (fetch wait 10 ms)": {"TRACEBREAK_FETCH_MAX_WAIT_MS": "10"}}
GENERATOR = "load generator"


def load(
    stack: Stack, rate: float, seconds: float, tracing: bool, work: Path, check: bool = False
) -> dict[str, Any]:
    """One step of load from the project's generator, in a process of its own; its report, with the
    CPU share each process used during it."""
    report = work / f"step-{rate:g}-{tracing}.json"
    env = {**os.environ, **stack.config.client_env(), "OTEL_BSP_SCHEDULE_DELAY": "200"}
    if not tracing:
        env["OTEL_SDK_DISABLED"] = "true"
    # The stack's addresses come through client_env: the same variables `tracebreak load` reads.
    argv = [sys.executable, "-m", "loadgen", "--rps", f"{rate:g}", "--duration", f"{seconds:g}s",
            "--timeout", "5s", "--max-in-flight", "2000", "--report", str(report),
            *(["--check-traces"] if check else [])]  # fmt: skip
    cpu = cpu_shares(
        stack, lambda: subprocess.run(argv, env=env, check=True, capture_output=True, timeout=seconds + 120)
    )
    result = json.loads(report.read_text())
    result["cpu"] = cpu
    return result


def cpu_shares(stack: Stack, during: Callable[[], object]) -> dict[str, float]:
    """Each part's share of one core while `during` runs, and that of the processes it ran (the
    generator's, under GENERATOR)."""
    parts = {name: psutil.Process(part.popen.pid) for name, part in stack.processes.items() if part.popen}
    before = {name: sum(p.cpu_times()[:2]) for name, p in parts.items()}
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    during()
    wall = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {name: (sum(p.cpu_times()[:2]) - before[name]) / wall for name, p in parts.items()}
    cpu[GENERATOR] = (
        children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
    ) / wall
    return cpu


def idle_cpu(stack: Stack, seconds: float) -> dict[str, float]:
    """Each part's share of one core over `seconds` with no request at all."""
    cpu = cpu_shares(stack, lambda: time.sleep(seconds))  # the measurement itself: nothing is awaited
    del cpu[GENERATOR]
    return cpu


def per_request_ms(step: dict[str, Any], rate: float) -> dict[str, float]:
    """Each process's CPU per request at a step: its share of one core over the rate."""
    return {name: share * 1000 / rate for name, share in step["cpu"].items()}


def print_idle(idle: dict[str, dict[str, float]], seconds: float) -> None:
    print(f"\nIdle: each part's share of one core over {seconds:g} s without requests, tracing on:\n")
    names = list(next(iter(idle.values())))
    rows = [
        (label, *(f"{cpu[n]:.1%}" for n in names), f"{sum(cpu.values()):.1%}") for label, cpu in idle.items()
    ]
    print(markdown(["cascade", *names, "total"], rows))


def sustained(step: dict[str, Any]) -> bool:
    totals = step["totals"]
    return step["latency_ms"]["p99"] <= P99_LIMIT_MS and totals["errors"] == 0 and totals["skipped"] == 0


def settle(stack: Stack) -> None:
    """After an overload, wait until a request is quick again: the broker's backlog has drained."""

    def quick() -> str | None:
        started = time.monotonic()
        answer = httpx.get(
            f"{stack.config.edge_url}/orders/7", headers={"authorization": f"Bearer {DEMO_TOKEN}"}
        )
        took = time.monotonic() - started
        return None if answer.status_code == 200 and took < 0.1 else f"{answer.status_code} in {took:.2f} s"

    poll(quick, 60)


def run_mode(tracing: bool, rates: list[float], seconds: float, work: Path) -> tuple[list, Stack]:
    env = {} if tracing else {"OTEL_SDK_DISABLED": "true"}
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=work / f"stack-{tracing}", service_env=env))
    stack.start()
    steps = []
    for rate in rates:
        step = load(stack, rate, seconds, tracing, work)
        steps.append((rate, step))
        if not sustained(step):
            break
    return steps, stack


def run_variants(
    variants: dict[str, dict[str, str]], seconds: float, idle_s: float, turns: int, work: Path
) -> dict[str, tuple[dict, list]]:
    """Each variant on a fresh stack of its own, alone on the machine, the variants taking turns: its
    parts' CPU over `idle_s` idle on its first turn, then a step at OVERHEAD_RATE on every turn."""
    idle: dict[str, dict[str, float]] = {}
    steps: dict[str, list] = {label: [] for label in variants}
    for turn in range(turns):
        for number, (label, values) in enumerate(variants.items()):
            data_dir = work / f"variant-{number}-{turn}"
            stack = Stack(StackConfig(ports=Ports.free(), data_dir=data_dir, service_env=values))
            stack.start()
            try:
                if turn == 0:
                    idle[label] = idle_cpu(stack, idle_s)
                steps[label].append(load(stack, OVERHEAD_RATE, seconds, True, work))
            finally:
                stack.stop()
    return {label: (idle[label], steps[label]) for label in variants}


def capacity(steps: list) -> float:
    held = [rate for rate, step in steps if sustained(step)]
    return max(held) if held else 0.0


def step_rows(label: str, steps: list) -> list[tuple]:
    rows = []
    for rate, step in steps:
        totals, latency = step["totals"], step["latency_ms"]
        busiest = max(step["cpu"].items(), key=lambda item: item[1])
        rows.append(
            (
                label,
                f"{rate:g}",
                f"{totals['achieved_rps']:.1f}",
                f"{latency['p50']:.1f}",
                f"{latency['p99']:.1f}",
                totals["errors"],
                totals["skipped"],
                "yes" if sustained(step) else "no",
                f"{busiest[0]} {busiest[1]:.0%}",
            )
        )
    return rows


def run_all(rates: list[float], seconds: float) -> tuple[dict[bool, list], list[tuple], list[str]]:
    """Steps with tracing on, then off; completeness at half and all of the capacity with it on; and
    which services still exported spans with it off."""
    results, completeness, traced = {}, [], []
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        for tracing in (True, False):
            steps, stack = run_mode(tracing, rates, seconds, work)
            try:
                results[tracing] = steps
                if tracing:
                    best = capacity(steps) or rates[0]
                    for share in (0.5, 1.0):
                        settle(stack)
                        step = load(stack, best * share, seconds, True, work, check=True)
                        completeness.append((share, best * share, step))
                else:
                    traced = httpx.get(f"{stack.config.query_url}/api/services").json()["data"]
            finally:
                stack.stop()
    return results, completeness, traced


def print_capacity(results: dict[bool, list], traced: list[str], seconds: float) -> None:
    print(
        f"cascade capacity: steps of {seconds:g} s; held: p99 <= {P99_LIMIT_MS} ms, no errors, none skipped\n"
    )
    columns = ["tracing", "target rps", "achieved rps", "p50 ms", "p99 ms", "errors", "skipped", "held",
               "busiest process"]  # fmt: skip
    print(markdown(columns, step_rows("on", results[True]) + step_rows("off", results[False])))
    on, off = capacity(results[True]), capacity(results[False])
    print(f"\n- capacity, tracing on: {on:g} rps (target {TARGET_RPS}, ratio {on / TARGET_RPS:.2f})")
    print(f"- capacity, tracing off: {off:g} rps; on/off {on / off if off else 0:.2f}")
    print(f"- services that exported spans with tracing off: {traced or 'none'}")
    p50 = {
        t: next((s["latency_ms"]["p50"] for r, s in results[t] if r == OVERHEAD_RATE), None) for t in results
    }
    if p50[True] and p50[False]:
        overhead = p50[True] / p50[False] - 1
        print(
            f"- tracing's cost at p50 at {OVERHEAD_RATE} rps: {p50[False]:.1f} -> {p50[True]:.1f} ms, "
            f"{overhead:+.1%} (target at most {TARGET_OVERHEAD:.0%})"
        )


def print_cpu(results: dict[bool, list]) -> None:
    # CPU time per request is steadier than latency near saturation, and says what a rate would take.
    print("\nCPU time per request by process, in ms (its share of one core at the step, over the rate):\n")
    names = list(results[True][0][1]["cpu"])
    rows = []
    for tracing in (True, False):
        for rate, step in results[tracing]:
            per = per_request_ms(step, rate)
            total = sum(per.values())
            rows.append((
                "on" if tracing else "off", f"{rate:g}", *(f"{per[n]:.1f}" for n in names), f"{total:.1f}",
                f"{total * TARGET_RPS / 1000:.1f}",
            ))  # fmt: skip
    print(markdown(["tracing", "rps", *names, "total", f"cores for {TARGET_RPS} rps"], rows))
    print(f"\n- this machine has {os.cpu_count()} cores, shared by every process above")


def variant_row(label: str, turn: int, step: dict[str, Any], names: list[str]) -> tuple:
    per = per_request_ms(step, OVERHEAD_RATE)
    cascade = sum(ms for n, ms in per.items() if n != GENERATOR)
    latency = step["latency_ms"]
    return (label, turn + 1, f"{latency['p50']:.1f}", f"{latency['p99']:.1f}", step["totals"]["errors"],
            *(f"{per[n]:.2f}" for n in names), f"{cascade:.1f}")  # fmt: skip


def print_variants(measured: dict[str, tuple[dict, list]], idle_s: float) -> None:
    print(f"\nThe cascade as it ships beside itself with the settings named, tracing on, {OVERHEAD_RATE} rps,"
          " CPU per request by process in ms (cascade: every process but the generator):\n")  # fmt: skip
    names = list(next(iter(measured.values()))[1][0]["cpu"])
    turns = range(len(next(iter(measured.values()))[1]))
    rows = [
        variant_row(label, turn, steps[turn], names)
        for turn in turns
        for label, (_, steps) in measured.items()
    ]
    print(markdown(["cascade", "turn", "p50 ms", "p99 ms", "errors", *names, "cascade ms"], rows))
    print(f"\n- target: at most {TARGET_CASCADE_MS} ms of the cascade's CPU per request")
    print_idle({label: idle for label, (idle, _) in measured.items()}, idle_s)
    print(f"\n- target: at most {TARGET_IDLE:.0%} of one core in all")


def print_completeness(completeness: list[tuple]) -> None:
    print("\nTrace completeness under load, tracing on, no toggles:\n")
    rows = [
        (f"{share:.0%}", f"{rate:g}", f"{s['latency_ms']['p99']:.1f}", s["totals"]["errors"],
         s["traces"]["judged"], f"{s['traces']['whole_percent']}%")
        for share, rate, s in completeness
    ]  # fmt: skip
    print(markdown(["share of capacity", "rps", "p99 ms", "errors", "traces judged", "whole"], rows))


def variant(text: str) -> tuple[str, dict[str, str]]:
    """`LABEL:VAR=VALUE,VAR=VALUE`: a setting to measure beside the cascade as it ships."""
    label, sep, pairs = text.partition(":")
    values = dict(pair.split("=", 1) for pair in pairs.split(",") if "=" in pair)
    if not sep or not label or not values:
        raise argparse.ArgumentTypeError(f"expected LABEL:VAR=VALUE[,VAR=VALUE…], not {text!r}")
    return label, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="50,100,125,150,175,200,250,300,400,500")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--variant-seconds", type=float, default=20, help="the variants' step at 100 rps")
    parser.add_argument(
        "--idle", type=float, default=60, help="seconds of idle, each variant on its first turn"
    )
    parser.add_argument("--turns", type=int, default=2, help="steps at 100 rps per variant, taking turns")
    parser.add_argument(
        "--variant",
        type=variant,
        action="append",
        help="LABEL:VAR=VALUE,…: measure these settings beside the shipped cascade instead of its previous"
        " defaults (repeatable); e.g. 'export every 1 s:OTEL_BSP_SCHEDULE_DELAY=1000'",
    )
    parser.add_argument("--variants-only", action="store_true", help="skip the capacity steps")
    args = parser.parse_args()
    variants = {SHIPPED: {}, **(dict(args.variant) if args.variant else PREVIOUS)}
    with tempfile.TemporaryDirectory() as work_dir:
        measured = run_variants(variants, args.variant_seconds, args.idle, args.turns, Path(work_dir))
    if not args.variants_only:
        results, completeness, traced = run_all([float(r) for r in args.rates.split(",")], args.seconds)
        print_capacity(results, traced, args.seconds)
        print_cpu(results)
        print_completeness(completeness)
    print_variants(measured, args.idle)


if __name__ == "__main__":
    main()
