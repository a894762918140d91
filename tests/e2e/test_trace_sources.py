"""The doctor gives the same verdicts over the same requests read three ways from the real stack's
store: Jaeger's /api (the store judging itself), the store's /api/v3, and an OTLP JSON-lines file of
the store's /api/v3 answers, with two breakers on."""

import json
import time

import httpx

from tests.support.chaos import judge, set_toggle, wait_until_hit
from tests.support.stack import cli, send_many
from tracebreak.traces.sources.jaeger_v3 import rfc3339

BREAKERS = {"uninstrumented-client": 1.0, "kafka-consumer-no-extract": 1.0}
REQUESTS = 4


def verdicts(stack, source: str | None, request_ids: set[str]) -> dict[str, tuple]:
    """Each request's signatures, boundaries and fragment count, as `tracebreak doctor --json` says."""
    args = ["doctor", "--since", "2m", "--settle", "0s", "--json", *(["--source", source] if source else [])]
    done = cli(stack.config, *args)
    assert done.returncode == 0, done.stderr
    found = {r["request_id"]: r for r in json.loads(done.stdout)["requests"]}
    return {
        rid: (
            found[rid]["signatures"],
            [f["boundary"] for f in found[rid]["findings"]],
            found[rid]["fragment_spans"],
        )
        for rid in request_ids
        if rid in found
    }


def written_file(stack, tmp_path, since_us: int) -> str:
    """The store's /api/v3 answers for the window, a `{"resourceSpans": …}` a line, as a file exporter
    would write them."""
    url, now_us = stack.config.query_url, time.time_ns() // 1000
    lines = []
    with httpx.Client() as http:
        for service in http.get(f"{url}/api/v3/services").json()["services"]:
            window = {"query.start_time_min": rfc3339(since_us), "query.start_time_max": rfc3339(now_us)}
            answer = http.get(f"{url}/api/v3/traces", params={"query.service_name": service, **window})
            if answer.status_code == 200:
                lines.append(json.dumps(answer.json()["result"]))
    file = tmp_path / "traces.jsonl"
    file.write_text("\n".join(lines) + "\n")
    return str(file)


def test_the_doctor_reads_the_same_verdicts_from_api_v1_api_v3_and_an_otlp_file(
    stack, client_telemetry, tmp_path
):
    for name, value in BREAKERS.items():
        set_toggle(stack, name, value)
    try:
        for name in BREAKERS:
            wait_until_hit(stack, client_telemetry, name, hit=True)
        since_us = time.time_ns() // 1000 - 1_000_000
        results = send_many(stack, client_telemetry, list(range(1, REQUESTS + 1)))
        request_ids = {r.request_id for r in results}
        settled = judge(stack, request_ids, since_us)
        assert set(settled) == request_ids
    finally:
        for name in BREAKERS:
            set_toggle(stack, name, None)
            wait_until_hit(stack, client_telemetry, name, hit=False)
    url = stack.config.query_url
    through_v1 = verdicts(stack, None, request_ids)
    assert set(through_v1) == request_ids
    assert all(
        set(v[0]) == {"uninstrumented-client", "consumer-not-extracting"} for v in through_v1.values()
    ), through_v1
    assert verdicts(stack, f"jaeger-v3+{url}", request_ids) == through_v1
    assert verdicts(stack, written_file(stack, tmp_path, since_us - 120_000_000), request_ids) == through_v1
