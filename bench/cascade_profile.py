"""Where the cascade's CPU goes: one local stack, tracing on, each part's CPU over a stretch of idle, then
a steady rate from the generator while py-spy samples services A, B and C and the trace store into flame
graphs (SVG, one per process) named `PREFIX-service-a.svg` and so on.

    python -m bench.cascade_profile --out bench/results/profile-after [--rps 80] [--seconds 25]

py-spy reads another process's memory: it needs root (or ptrace rights over the services).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.cascade_capacity import SHIPPED, idle_cpu, load, per_request_ms, print_idle
from bench.table import markdown
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime.ports import Ports

PROFILED = ("service-a", "service-b", "service-c", "trace-store")
PROFILE_S = 20


def py_spy() -> str:
    """py-spy beside this interpreter (the bench extra installs it there), else on PATH."""
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if not found:
        sys.exit("cascade_profile: py-spy not found; install the bench extra (make bench) or py-spy itself")
    return found


def profilers(stack: Stack, prefix: Path) -> list[subprocess.Popen]:
    started, program = [], py_spy()
    for name in PROFILED:
        if popen := stack.processes[name].popen:
            argv = [program, "record", "--format", "flamegraph", "--nonblocking", "--duration",
                    str(PROFILE_S), "--pid", str(popen.pid), "-o", f"{prefix}-{name}.svg"]  # fmt: skip
            started.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="prefix of the SVG files")
    parser.add_argument("--rps", type=float, default=80)
    parser.add_argument("--seconds", type=float, default=PROFILE_S + 5)
    parser.add_argument("--idle", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        stack = Stack(StackConfig(ports=Ports.free(), data_dir=work / "stack"))
        stack.start()
        try:
            idle = {SHIPPED: idle_cpu(stack, args.idle)}
            running = profilers(stack, args.out)
            step = load(stack, args.rps, args.seconds, True, work)
            for profiler in running:
                profiler.wait(timeout=60)
        finally:
            stack.stop()
    print_idle(idle, args.idle)
    per = per_request_ms(step, args.rps)
    print(f"\nCPU per request at {args.rps:g} rps, tracing on, in ms "
          f"(p50 {step['latency_ms']['p50']:.1f} ms, p99 {step['latency_ms']['p99']:.1f} ms):\n")  # fmt: skip
    print(markdown(list(per), [[f"{value:.2f}" for value in per.values()]]))


if __name__ == "__main__":
    main()
