"""The doctor over a store holding more than 10,000 traces: every request judged, and the time said."""

import json
import os
import time

import httpx
import pytest

from tests.support.cli import tracebreak
from tests.support.synthetic import GHOST_EVERY, synthetic_batch
from tracebreak.local.parts import trace_store
from tracebreak.runtime.ports import Ports

REQUESTS = 10_000


@pytest.fixture
def store(tmp_path):
    ports = Ports.free()
    query_url = f"http://127.0.0.1:{ports.query}"
    part = trace_store(ports, tmp_path / "traces.db", dict(os.environ), tmp_path / "store.log")
    part.start()
    try:
        part.wait_healthy(30)
        yield f"http://127.0.0.1:{ports.otlp}", query_url
    finally:
        part.stop()


def fill(otlp_url, requests):
    start_ns = time.time_ns() - 600 * 10**9
    for first in range(0, requests, 1000):
        response = httpx.post(f"{otlp_url}/v1/traces", content=synthetic_batch(first, min(1000, requests - first), start_ns),
                              headers={"content-type": "application/x-protobuf"}, timeout=60)  # fmt: skip
        assert response.status_code == 200


def test_the_doctor_judges_ten_thousand_requests_and_says_how_long_it_took(store):
    otlp_url, query_url = store
    fill(otlp_url, REQUESTS)
    doctor = tracebreak("doctor", "--since", "1h", "--source", query_url, "--json", timeout_s=600)
    assert doctor.returncode == 0, doctor.stderr
    totals = json.loads(doctor.stdout)["totals"]
    print(f"doctor over {REQUESTS + REQUESTS // GHOST_EVERY} traces: {totals['took_seconds']} s")
    assert totals["requests"] == REQUESTS
    assert totals["broken"] == REQUESTS // GHOST_EVERY == totals["by_signature"]["ghost-span"]
    assert totals["ghost_spans"] == REQUESTS // GHOST_EVERY
    assert totals["took_seconds"] > 0


def test_the_doctor_gates_a_ci_run_with_fail_on(store):
    otlp_url, query_url = store
    fill(otlp_url, 300)

    def doctor(*args):
        run = tracebreak("doctor", "--since", "1h", "--source", query_url, *args, timeout_s=120)
        return run.returncode, run.stdout + run.stderr

    assert doctor("--json", "--fail-on", "ghost-span")[0] == 1
    assert doctor("--json", "--fail-on", "any")[0] == 1
    assert doctor("--json", "--fail-on", "uninstrumented-client,hidden-error-origin")[0] == 0
    code, output = doctor("--fail-on", "no-such-signature")
    assert code == 2 and "unknown signature" in output and "Traceback" not in output
    code, output = doctor("--show", "2")
    assert code == 0 and "ghost-span" in output and "99.0% whole" in output and "Took" in output
