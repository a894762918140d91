"""span-export-overflow on the real stack, under `tracebreak load`: B's export queue is too small for a
burst, the SDK drops B's spans, and the doctor tells the holes from propagation breaks: dropped on the
way, at service-b, with the capacity fix. Off, the same burst leaves every request whole."""

import json
import time

from tests.support.chaos import set_toggle, wait_until_hit
from tests.support.stack import cli

NAME = "span-export-overflow"
DROPPED = "dropped-on-the-way"
BURST = ("--rps", "60", "--duration", "3s", "--seed", "1")  # 180 requests, bounded


def load_then_doctor(stack, tmp_path, tel, on: str | None = None) -> dict:
    """The doctor's verdicts on every request of one bounded `tracebreak load` run, the fault set to
    the service `on` (None: off)."""
    assert cli(stack.config, "chaos", "reset").returncode == 0  # the doctor judges from here on
    if on:
        set_toggle(stack, NAME, on)
        wait_until_hit(stack, tel, NAME, hit=True)
    report = tmp_path / "load.json"
    ran = cli(stack.config, "load", *BURST, "--report", str(report), timeout_s=90)
    assert ran.returncode == 0, ran.stderr
    sent = json.loads(report.read_text())["totals"]["completed"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until every request of the run is judged, none pending
        doctor = cli(stack.config, "doctor", "--since", "reset", "--settle", "1s", "--json", "--show", "0")
        found = json.loads(doctor.stdout)
        if found["totals"]["requests"] >= sent and not found["totals"]["pending_requests"]:
            return found
        time.sleep(0.5)
    raise AssertionError(f"the doctor judged {found['summary']} of {sent} requests")


def queue_full_warnings(stack) -> int:
    log = stack.processes["service-b"].log_path.read_text()
    return log.count("Queue full, dropping Span")


def test_dropped_spans_are_named_dropped_on_the_way_at_the_service_and_only_while_on(
    stack, client_telemetry, tmp_path
):
    before = queue_full_warnings(stack)
    try:
        found = load_then_doctor(stack, tmp_path, client_telemetry, on="service-b")
    finally:
        set_toggle(stack, NAME, None)
    wait_until_hit(stack, client_telemetry, NAME, hit=False)
    assert queue_full_warnings(stack) > before  # the SDK itself dropped B's spans
    broken = [r for r in found["requests"] if not r["whole"]]
    named = [r for r in broken if DROPPED in r["signatures"]]
    assert named, found["totals"]
    # No hole is taken for lost context or a sampler: dropped on the way is the only signature.
    assert {s for r in broken for s in r["signatures"]} == {DROPPED}, found["totals"]
    # Where the hole names the service: its own span under a parent it dropped, or the caller open
    # when the span began (which is B's, unless B dropped that span too: then A's, a known limit).
    at_b = [r for r in named if "service-b (span export)" in {f["at"] for f in r["findings"]}]
    assert len(at_b) >= len(named) / 2, (len(at_b), len(named))
    for request in named:
        for finding in request["findings"]:
            assert "never arrived; the traceparent it received said sampled" in finding["evidence"]["detail"]
            assert finding["fix"].startswith("Capacity, not propagation")
    found = load_then_doctor(stack, tmp_path, client_telemetry)
    assert found["totals"]["broken"] == 0, (
        found["totals"]["by_signature"],
        [r["findings"] for r in found["requests"] if not r["whole"]][:2],
    )
    print("doctor off:", found["totals"]["requests"], "requests, 0 broken")
