"""Broker drift: the local broker's CPU and the cascade's latency over a long steady run. Tansu's
in-memory storage costs more per fetch the more record batches a topic's partition holds, so the
local stack rolls its topics over by time (runtime/generations.py); this shows whether latency still
drifts. Tracing off, so the broker is measured alone.

    python -m bench.broker_drift [--rps 80] [--steps 10] [--seconds 8]
    python -m bench.broker_drift --rps 50 --steps 30 --seconds 60    # the workshop-length run
"""

import argparse
import tempfile
from pathlib import Path

from bench.cascade_capacity import load
from bench.table import markdown
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime.ports import Ports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rps", type=float, default=80)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        config = StackConfig(ports=Ports.free(), data_dir=work, service_env={"OTEL_SDK_DISABLED": "true"})
        stack = Stack(config)
        stack.start()
        try:
            for n in range(args.steps):
                step = load(stack, args.rps, args.seconds, False, work)
                rows.append(
                    (
                        f"{(n + 1) * args.seconds:g}",
                        f"{(n + 1) * args.rps * args.seconds:,.0f}",
                        f"{step['cpu']['broker']:.0%}",
                        f"{step['latency_ms']['p50']:.1f}",
                        f"{step['latency_ms']['p99']:.1f}",
                    )
                )
        finally:
            stack.stop()
    print(f"broker drift at {args.rps:g} rps, tracing off\n")
    print(markdown(["seconds run", "requests so far", "broker CPU (of one core)", "p50 ms", "p99 ms"], rows))
    first, last = rows[0], rows[-1]
    print(f"\n- the broker's CPU went from {first[2]} to {last[2]} of a core at a steady rate")
    ratio = float(last[3]) / float(first[3])
    print(f"- p50 in the last step / the first: {ratio:.2f} ({'within' if ratio <= 1.2 else 'beyond'} 20%)")


if __name__ == "__main__":
    main()
