"""Generator accuracy: the rate each load generator achieves and the latency it reports, against a
trivial local endpoint that counts arrivals itself and answers after a fixed 10 ms. tracebreak's
open-loop generator and Locust (the OpenTelemetry Demo's generator) are driven at the same targets,
one after the other, in one run.

    python -m bench.generator_accuracy [--rates 50,200,1000,2000] [--seconds 10]

Both run with tracing off: this measures the generators, not an exporter. The reference rate is the
endpoint's own count of arrivals in the whole seconds from the first one (and the worst single second
between the first and the last); the reference latency is the endpoint's own median handling time.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.table import markdown
from tracebreak.local.processes import Process, http_ok
from tracebreak.runtime.ports import Ports

HERE = Path(__file__).parent
TOLERANCE = 0.01  # the target: within ±1% of the asked rate


def tracebreak_run(url: str, rate: int, seconds: float, work: Path) -> tuple[float, float]:
    report = work / f"tracebreak-{rate}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "loadgen",
            "--target",
            url,
            "--rps",
            str(rate),
            "--duration",
            f"{seconds}s",
            "--report",
            str(report),
            "--max-in-flight",
            "5000",
        ],
        env={**os.environ, "OTEL_SDK_DISABLED": "true"},
        check=True,
        capture_output=True,
        timeout=seconds + 60,
    )
    latency = json.loads(report.read_text())["latency_ms"]
    return latency["p50"], latency["p99"]


def locust_run(url: str, rate: int, seconds: float, work: Path) -> tuple[float, float]:
    prefix = work / f"locust-{rate}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--host",
            url,
            "--users",
            str(rate),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{seconds:g}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        check=True,
        capture_output=True,
        timeout=seconds + 60,
    )
    with open(f"{prefix}_stats.csv", newline="") as rows:
        total = next(row for row in csv.DictReader(rows) if row["Name"] == "Aggregated")
    return float(total["50%"]), float(total["99%"])


RUNNERS = {"tracebreak": tracebreak_run, "locust": locust_run}


def measure(url: str, rate: int, seconds: float, work: Path, name: str) -> tuple[tuple, float]:
    """One generator at one rate against the counting endpoint: its table row, and its deviation."""
    httpx.get(f"{url}/stats").raise_for_status()  # starts the endpoint's count afresh
    p50, p99 = RUNNERS[name](url, rate, seconds, work)
    seen = httpx.get(f"{url}/stats", params={"seconds": int(seconds)}).json()
    ratio = sum(seen["per_second"]) / (rate * int(seconds))
    # The steady seconds: the first (Locust spawns its users) and the last are left out.
    worst_second = max(abs(n / rate - 1) for n in seen["per_second"][1:-1])
    reference = seen["median_handling_ms"]
    row = (rate, name, f"{ratio:.4f}", f"{worst_second:.2%}", seen["received"], f"{p50:.1f}",
           f"{p50 / reference:.2f}", f"{p99:.1f}")  # fmt: skip
    return row, abs(ratio - 1)


def run_all(rates: list[int], seconds: float) -> tuple[list[tuple], dict[str, float]]:
    port = Ports.free().edge
    url = f"http://127.0.0.1:{port}"
    rows, worst = [], dict.fromkeys(RUNNERS, 0.0)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        argv = [sys.executable, str(HERE / "endpoint.py"), "--port", str(port)]
        endpoint = Process(
            "endpoint", argv, dict(os.environ), work / "endpoint.log", lambda: http_ok(f"{url}/healthz")
        )
        endpoint.start()
        try:
            endpoint.wait_healthy(30)
            for rate in rates:
                for name in RUNNERS:
                    row, deviation = measure(url, rate, seconds, work, name)
                    rows.append(row)
                    worst[name] = max(worst[name], deviation)
        finally:
            endpoint.stop()
    return rows, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="50,200,1000,2000")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    rows, worst = run_all([int(r) for r in args.rates.split(",")], args.seconds)
    print(f"generator accuracy, {args.seconds:g} s per run, endpoint service time 10 ms, tracing off\n")
    columns = ["target rps", "generator", "rate / target", "worst steady second off by", "received",
               "reported p50 ms", "p50 / endpoint's median", "reported p99 ms"]  # fmt: skip
    print(markdown(columns, rows))
    print()
    for name, deviation in worst.items():
        verdict = "within" if deviation <= TOLERANCE else "outside"
        print(f"- {name}: worst rate deviation {deviation:.2%}, {verdict} the ±{TOLERANCE:.0%} target")


if __name__ == "__main__":
    main()
