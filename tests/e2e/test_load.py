"""The load generator against the real stack, and its open-loop promise against a slow endpoint."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from loadgen.recorder import Recorder
from loadgen.runner import LoadConfig, run
from loadgen.schedule import constant
from tracebreak.local.loops import run_beside_any_loop
from tracebreak.local.processes import Process, http_ok
from tracebreak.runtime.ports import Ports

ROOT = Path(__file__).resolve().parents[2]


def loadgen(stack, *args, entry: tuple[str, ...] = ("loadgen",)):
    return subprocess.Popen(
        [sys.executable, "-m", *entry, *args],
        env={**os.environ, **stack.config.client_env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_run_sends_on_rate_traces_every_request_and_reports(stack, tmp_path):
    report_path, plot_path = tmp_path / "report.json", tmp_path / "plot.html"
    run_ = loadgen(
        stack,
        "--rps",
        "20",
        "--duration",
        "3s",
        "--refused-share",
        "0.2",
        "--seed",
        "1",
        "--check-traces",
        "--report",
        str(report_path),
        "--plot",
        str(plot_path),
        entry=("tracebreak.cli", "load"),
    )  # as `tracebreak load`; the Ctrl-C test runs `-m loadgen`
    _, errors = run_.communicate(timeout=120)
    assert run_.returncode == 0, errors
    report = json.loads(report_path.read_text())
    totals = report["totals"]
    assert (totals["sent"], totals["completed"], totals["skipped"]) == (60, 60, 0)
    assert report["statuses"]["200"] + report["statuses"]["401"] == 60 and report["statuses"]["401"] > 0
    assert len(report["trace_ids"]) == len(set(report["trace_ids"])) == 60
    assert report["traces"] == {"judged": 60, "whole": 60, "whole_percent": 100.0}
    assert [s["second"] for s in report["series"]] == [0, 1, 2] and all(
        s["sent"] == 20 for s in report["series"]
    )
    assert report["latency_ms"]["p50"] > 0 and "<svg" in plot_path.read_text()
    assert "p99" in errors  # the periodic lines, when not on a terminal


def test_ctrl_c_ends_the_run_with_a_partial_report(stack, tmp_path):
    report_path = tmp_path / "partial.json"
    run_ = loadgen(stack, "--rps", "10", "--duration", "60s", "--report", str(report_path))
    deadline = time.monotonic() + 30
    while not run_.stderr.readline().strip().startswith("1s") and time.monotonic() < deadline:
        pass  # each line is a second of the run
    run_.send_signal(signal.SIGINT)
    _, errors = run_.communicate(timeout=60)
    assert run_.returncode == 0, errors
    totals = json.loads(report_path.read_text())["totals"]
    assert 10 <= totals["sent"] < 600 and totals["completed"] == totals["sent"]


def test_the_schedule_never_waits_for_answers_and_the_cap_is_reported(tmp_path):
    port = Ports.free().edge
    url = f"http://127.0.0.1:{port}"
    # The benchmarks' trivial endpoint, made slow: every answer takes 200 ms.
    server = Process(
        "slow",
        [sys.executable, str(ROOT / "bench" / "endpoint.py"), "--port", str(port), "--service-ms", "200"],
        dict(os.environ), tmp_path / "slow.log", lambda: http_ok(f"{url}/healthz"),
    )  # fmt: skip
    server.start()
    try:
        server.wait_healthy(30)
        recorder = Recorder()
        config = LoadConfig(target=url, stages=constant(50, 2), max_in_flight=5, timeout_s=5)
        run_beside_any_loop(run(config, recorder))
    finally:
        server.stop()
    assert recorder.sent + recorder.skipped == 100  # every intended request either left or was counted
    assert recorder.skipped > 0 and recorder.completed == recorder.sent
    assert recorder.percentiles_ms()["p50"] >= 200
