"""Every breaker, paired: on, each request shows exactly its signature; off, the same requests are whole."""

import json
import time
from collections.abc import Callable

import httpx
import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from tests.support.chaos import ground_truth, judge, set_toggle, wait_until_hit
from tests.support.stack import access_log, cli, send_many
from tracebreak.demo import DEMO_TOKEN

REQUESTS = 6

# toggle: (signature, the setting that turns it on, the boundary the doctor must name)
BREAKERS = {
    "orphan-background-task": ("ghost-span", 1.0, ("service-a", "service-a", "in-process")),
    "uninstrumented-client": ("uninstrumented-client", 1.0, ("service-a", "service-b", "gRPC")),
    "strip-traceparent-at-lb": ("context-dropped-in-transit", 1.0, ("envoy", "service-a", "HTTP")),
    "kafka-consumer-no-extract": ("consumer-not-extracting", 1.0, ("service-b", "service-c", "Kafka")),
    "propagator-not-registered": (
        "propagator-not-registered",
        True,
        ("service-b", "service-b", "every boundary"),
    ),
    "sampler-not-parent-based": (
        "sampler-not-parent-based",
        1.0,
        ("service-a", "tracebreak.auth.v1.Auth", "gRPC"),
    ),
    "silent-exception-recovery": ("hidden-error-origin", 1.0, ("service-a", "service-b", "gRPC")),
    "logs-without-trace-id": ("logs-without-trace-id", "service-b", ("service-b", "service-b", "logs")),
    "thread-pool-without-context": ("ghost-span", 1.0, ("service-c", "service-c", "in-process")),
}


def run_batch(stack, client_telemetry, order_ids):
    since_us = time.time_ns() // 1000 - 1_000_000
    results = send_many(stack, client_telemetry, order_ids, batch=25)
    verdicts = judge(stack, {r.request_id for r in results}, since_us)
    return results, verdicts


@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_each_breaker_shows_its_signature_and_only_while_on(stack, client_telemetry, breaker):
    signature, value, boundary = BREAKERS[breaker]
    if breaker == "silent-exception-recovery":
        set_toggle(stack, "downstream-timeout", 1.0)  # what it swallows
    set_toggle(stack, breaker, value)
    try:
        wait_until_hit(stack, client_telemetry, breaker, hit=True)
        results, verdicts = run_batch(stack, client_telemetry, list(range(1, REQUESTS + 1)))
        truth = ground_truth(stack)
        for result in results:
            assert breaker in truth[result.request_id]
            verdict = verdicts[result.request_id].as_dict()
            assert verdict["signatures"] == [signature], verdict
            [finding] = verdict["findings"]
            assert tuple(finding["boundary"].values()) == boundary, finding
            # The debt: every span outside the request's own trace is counted, and its bytes.
            in_fragments = len(verdicts[result.request_id].request.spans) - len(
                verdicts[result.request_id].request.main.spans
            )
            assert verdict["fragment_spans"] == in_fragments
            assert (verdict["fragment_bytes"] > 100 * in_fragments) == (in_fragments > 0)
        if breaker == "strip-traceparent-at-lb":
            # The strip came after Envoy injected its own context: Envoy's span is still whole.
            log = access_log(stack)
            for result in results:
                entry = log[result.request_id]
                assert entry["traceparent_received"] and entry["traceparent_sent"] is None
                main = verdicts[result.request_id].request.main
                assert {(s.service, s.kind) for s in main.spans} >= {("envoy", "server"), ("envoy", "client")}
    finally:
        set_toggle(stack, breaker, None)
        set_toggle(stack, "downstream-timeout", None)
    wait_until_hit(stack, client_telemetry, breaker, hit=False)
    results, verdicts = run_batch(stack, client_telemetry, list(range(1, REQUESTS + 1)))
    assert [r.status for r in results] == [200] * REQUESTS
    assert all(verdicts[r.request_id].whole for r in results), [v.as_dict() for v in verdicts.values()]


def test_faults_alone_break_no_trace_and_the_error_shows_at_its_origin(stack, client_telemetry):
    set_toggle(stack, "downstream-timeout", 0.5)
    try:
        wait_until_hit(stack, client_telemetry, "downstream-timeout", hit=True)
        results, verdicts = run_batch(stack, client_telemetry, list(range(1, 21)))
    finally:
        set_toggle(stack, "downstream-timeout", None)
    truth = ground_truth(stack)
    failed = [r for r in results if r.status == 502]
    assert 0 < len(failed) < len(results)
    assert {r.request_id for r in failed} == {
        r.request_id for r in results if "downstream-timeout" in truth[r.request_id]
    }
    for result in results:
        verdict = verdicts[result.request_id].as_dict()
        assert verdict["whole"] and verdict["signatures"] == [], verdict
    for result in failed:
        assert "orders-db did not answer" in result.body["message"]  # A's answer names the failure
        origin = verdicts[result.request_id].as_dict()["error_origin"]
        assert (origin["service"], origin["operation"]) == ("service-c", "SELECT orders")
        assert origin["reason"].startswith("TimeoutError")


MIXED = {"orphan-background-task": 0.3, "uninstrumented-client": 0.2, "kafka-consumer-no-extract": 0.25}
MIXED_FAULT = {"downstream-timeout": 0.2}


def test_a_mixed_run_is_classified_as_the_services_recorded_it(stack, client_telemetry):
    for name, rate in {**MIXED, **MIXED_FAULT}.items():
        set_toggle(stack, name, rate)
    try:
        for name in {**MIXED, **MIXED_FAULT}:
            wait_until_hit(stack, client_telemetry, name, hit=True, timeout_s=30)
        results, verdicts = run_batch(stack, client_telemetry, [1 + n % 1000 for n in range(200)])
    finally:
        for name in {**MIXED, **MIXED_FAULT}:
            set_toggle(stack, name, None)
    truth = ground_truth(stack)
    expected_signature = {name: BREAKERS[name][0] for name in MIXED}
    matches = 0
    for result in results:
        expected = sorted(expected_signature[t] for t in truth.get(result.request_id, set()) if t in MIXED)
        matches += verdicts[result.request_id].as_dict()["signatures"] == expected
    hit_counts = {
        name: sum(name in truth.get(r.request_id, set()) for r in results)
        for name in {**MIXED, **MIXED_FAULT}
    }
    print(f"mixed run: {matches}/{len(results)} classified as recorded; hits {hit_counts}")
    assert all(count > 0 for count in hit_counts.values())
    assert matches >= 0.99 * len(results)


def probe(stack, http, name):
    """One request; whether the toggle acted on it, read from the answer itself where it shows there."""
    response = http.get(
        f"{stack.config.edge_url}/orders/1", headers={"authorization": f"Bearer {DEMO_TOKEN}"}
    )
    if name == "strip-traceparent-at-lb":
        return response.headers.get("x-tracebreak-chaos") == name
    if name in ("auth-error-rate", "downstream-timeout"):
        return response.status_code == 502
    return name in ground_truth(stack).get(response.headers["x-request-id"], set())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("orphan-background-task", 1.0),
        ("auth-error-rate", 1.0),
        ("propagator-not-registered", True),
        ("logs-without-trace-id", "service-b"),
        ("downstream-timeout", 1.0),
        ("strip-traceparent-at-lb", 1.0),
    ],
    ids=["service-a", "service-b", "service-b-propagator", "service-b-logs", "service-c", "envoy"],
)
def test_a_toggle_takes_effect_within_a_second_without_a_restart(stack, name, value):
    pids = {part.name: part.popen.pid for part in stack.processes.values()}
    with httpx.Client(timeout=10) as http:
        HTTPXClientInstrumentor.uninstrument_client(http)
        for state in (value, None):
            set_toggle(stack, name, state)
            deadline, reached = time.monotonic() + 1.0, False
            while not reached and time.monotonic() < deadline:  # each probe is a real request
                reached = probe(stack, http, name) == (state is not None)
            assert reached, f"{name} did not turn {'on' if state else 'off'} within 1 s"
    assert {part.name: part.popen.pid for part in stack.processes.values()} == pids


def test_a_broken_flag_file_is_reported_with_its_line_and_the_last_good_flags_stay(stack, client_telemetry):
    set_toggle(stack, "downstream-timeout", 1.0)
    try:
        wait_until_hit(stack, client_telemetry, "downstream-timeout", hit=True)
        stack.config.flags_file.write_text('{\n  "flags": {\n    "downstream-timeout": oops\n}\n')
        log = stack.processes["service-c"].log_path
        deadline = time.monotonic() + 10
        while "flag file unusable" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)  # polling interval: the provider re-reads the file every 200 ms
        reported = [line for line in log.read_text().splitlines() if "flag file unusable" in line]
        assert reported and "line 3" in reported[-1]
        listed = cli(stack.config, "chaos", "--flags", str(stack.config.flags_file), "list")
        assert listed.returncode == 2 and "line 3" in listed.stderr and "Traceback" not in listed.stderr
        [result] = send_many(stack, client_telemetry, [1])
        assert result.status == 502  # the last good flags: the timeout is still on
    finally:
        assert cli(stack.config, "chaos", "--flags", str(stack.config.flags_file), "reset").returncode == 0
    wait_until_hit(stack, client_telemetry, "downstream-timeout", hit=False)


def test_the_chaos_command_flips_envoy_and_service_toggles(stack, client_telemetry):
    flags = ["--flags", str(stack.config.flags_file), "--envoy-admin", stack.config.edge_admin_url]
    try:
        assert (
            cli(stack.config, "chaos", *flags, "on", "strip-traceparent-at-lb", "--rate", "0.25").returncode
            == 0
        )
        assert (
            cli(stack.config, "chaos", *flags, "on", "orphan-background-task", "--rate", "0.5").returncode
            == 0
        )
        listed = {
            t["name"]: t for t in json.loads(cli(stack.config, "chaos", *flags, "list", "--json").stdout)
        }
        assert listed["strip-traceparent-at-lb"]["value"] == 0.25
        assert listed["orphan-background-task"]["state"] == "on, rate 0.5"
        assert listed["uninstrumented-client"]["state"] == "off"
        wrong = cli(stack.config, "chaos", *flags, "on", "no-such-toggle")
        assert wrong.returncode == 2 and "orphan-background-task" in wrong.stderr
    finally:
        assert cli(stack.config, "chaos", *flags, "reset").returncode == 0
    listed = json.loads(cli(stack.config, "chaos", *flags, "list", "--json").stdout)
    assert all(t["state"] == "off" for t in listed)


def test_a_toggle_that_shapes_a_request_is_recorded_on_its_span(stack, client_telemetry, query):
    set_toggle(stack, "uninstrumented-client", 1.0)
    try:
        wait_until_hit(stack, client_telemetry, "uninstrumented-client", hit=True)
        [result] = send_many(stack, client_telemetry, [3])
    finally:
        set_toggle(stack, "uninstrumented-client", None)
    trace = query.wait_for_trace(result.trace_id, complete=lambda t: "service-a" in t.services)
    [a_server] = [s for s in trace.spans if s.service == "service-a" and s.kind == "server"]
    evaluations = [e for e in a_server.events if e.get("event") == "feature_flag.evaluation"]
    assert [(e["feature_flag.key"], e["feature_flag.result.variant"]) for e in evaluations] == [
        ("uninstrumented-client", "on")
    ]


def doctor_until(stack, since: str, seen: Callable[[dict[str, dict]], bool]) -> dict[str, dict]:
    """`tracebreak doctor --since SINCE --json`, asked again until `seen` holds of its verdicts by
    request id (or 20 s have passed): the requests' spans arrive in their services' next export."""
    deadline = time.monotonic() + 20
    while True:
        done = cli(stack.config, "doctor", "--since", since, "--settle", "0s", "--json")
        assert done.returncode == 0, done.stderr
        verdicts = {r["request_id"]: r for r in json.loads(done.stdout)["requests"]}
        if seen(verdicts) or time.monotonic() > deadline:
            return verdicts


def test_doctor_since_reset_leaves_out_the_broken_request_sent_before_the_reset(stack, client_telemetry):
    set_toggle(stack, "orphan-background-task", 1.0)
    try:
        wait_until_hit(stack, client_telemetry, "orphan-background-task", hit=True)
        [before] = send_many(stack, client_telemetry, [11])
    finally:
        reset = cli(stack.config, "chaos", "reset")
    assert reset.returncode == 0 and "`tracebreak doctor --since reset` judges only" in reset.stdout
    [after] = send_many(stack, client_telemetry, [12])
    # The window by duration holds the earlier lab's leftover, broken: what a reset keeps out.
    wide = doctor_until(
        stack,
        "1m",
        lambda v: after.request_id in v and not v.get(before.request_id, {"whole": True})["whole"],
    )
    assert not wide[before.request_id]["whole"] and after.request_id in wide
    owed = cli(stack.config, "doctor", "--since", "1m", "--settle", "0s", "--at-rps", "10000", "--json")
    day = json.loads(owed.stdout)["totals"]["at_rate"]
    assert day["requests_per_second"] == 10_000 and day["fragment_spans_per_day"] > 0, day
    clean = doctor_until(stack, "reset", lambda v: after.request_id in v)
    assert after.request_id in clean and before.request_id not in clean
    wait_until_hit(stack, client_telemetry, "orphan-background-task", hit=False)
