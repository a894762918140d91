"""Stacks started and stopped many times in one process, as the benchmarks do, then supervised parts
killed and brought back many times. test_stack_cycles.py runs this in a process of its own, so that a
start that hangs inside fork(), where no Python code runs, still meets the test's deadline. It says a
line a step and ends with JSON: among other things, how many of the spawns made while the runner held
B's health channel replaced gRPC's threads (which gRPC's fork handlers do, in that fork).

    python -m tests.support.stack_cycles DATA_DIR CYCLES KILLS
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from services.service_a.client import request_order
from tests.support.spawn_beside_grpc import grpc_threads
from tracebreak.local.loops import run_beside_any_loop
from tracebreak.local.processes import poll
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.local.supervisor import Supervisor
from tracebreak.runtime.ports import Ports

# Started again by the supervisor while the runner holds B's channel; none three times in a minute.
KILLED = ("service-a", "service-b", "service-c")
RECOVERY_S = 30


def cycle(data_dir: Path) -> bool:
    """A stack started and stopped; whether A's spawn, made beside B's channel, replaced gRPC's threads."""
    seen: dict[str, set[int]] = {}
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=data_dir))
    stack.start(on_healthy=lambda name: seen.setdefault(name, grpc_threads()))
    stack.stop()
    return bool(seen["service-b"] - seen["service-a"])


def kill_and_heal(stack: Stack, supervisor: Supervisor, name: str) -> bool:
    """A part killed and brought back; whether its spawn replaced gRPC's threads."""
    part, before = stack.processes[name], grpc_threads()
    os.kill(part.popen.pid, signal.SIGKILL)  # type: ignore[union-attr]
    part.popen.wait(10)  # type: ignore[union-attr]
    supervisor.heal(part)
    return bool(before - grpc_threads())


def answered(stack: Stack) -> str | None:
    try:
        status = run_beside_any_loop(request_order(stack.config.edge_url, "7", timeout_s=5)).status
    except httpx.HTTPError as error:
        return f"the edge: {error.__class__.__name__}"
    return None if status == 200 else f"the edge answered {status}"


def supervised(data_dir: Path, kills: int) -> dict[str, object]:
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=data_dir))
    stack.start()
    try:
        supervisor, replaced = Supervisor(stack, lambda line: print(line, flush=True)), 0
        for n in range(kills):
            replaced += kill_and_heal(stack, supervisor, KILLED[n % len(KILLED)])
        return {"replaced_at_restart": replaced, "answer_after": poll(lambda: answered(stack), RECOVERY_S)}
    finally:
        stack.stop()


def main(data_dir: Path, cycles: int, kills: int) -> None:
    replaced, started = 0, time.monotonic()
    for n in range(cycles):
        replaced += cycle(data_dir / f"cycle-{n}")
        print(
            f"stack {n + 1} of {cycles} started and stopped at {time.monotonic() - started:.1f} s", flush=True
        )
    result = supervised(data_dir / "supervised", kills)
    print(json.dumps({"cycles": cycles, "replaced_at_start": replaced, **result}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
