"""A healthy stack raises no alarm: 10,000 requests through the load generator (its /healthz
pre-flight included) and probes of the edge's /healthz, then the doctor finds 0 broken requests."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from tests.support.stack import cli, start_stack

REQUESTS = 10_000
RATE = 50  # what the local stack holds with tracing on, on two cores (bench/results/latest.md)


@pytest.fixture(scope="module")
def fresh_stack(tmp_path_factory):
    yield from start_stack(tmp_path_factory.mktemp("healthy"))


@pytest.mark.timeout(900)  # 10,000 requests at 50/s, then the doctor over all of them
def test_ten_thousand_healthy_requests_and_health_probes_give_no_broken_request(fresh_stack, tmp_path):
    config = fresh_stack.config
    with httpx.Client() as probe:
        assert all(probe.get(f"{config.edge_url}/healthz").status_code == 200 for _ in range(5))
    report = tmp_path / "load.json"
    seconds = REQUESTS // RATE + 60
    load = subprocess.run(
        [sys.executable, "-m", "loadgen", "--rps", str(RATE), "--duration", str(seconds),
         "--max-requests", str(REQUESTS), "--report", str(report), "--seed", "7"],
        env={**os.environ, **config.client_env()}, capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    assert load.returncode == 0, load.stderr[-2000:]
    assert json.loads(report.read_text())["totals"]["completed"] == REQUESTS
    with httpx.Client() as probe:
        assert all(probe.get(f"{config.edge_url}/healthz").status_code == 200 for _ in range(5))
    doctor = cli(config, "doctor", "--since", "30m", "--settle", "1s", "--json", timeout_s=600)
    assert doctor.returncode == 0, doctor.stderr
    totals = json.loads(doctor.stdout)["totals"]
    print(f"doctor over {REQUESTS} healthy requests: {totals}")
    assert totals["requests"] >= REQUESTS and totals["broken"] == 0, totals
