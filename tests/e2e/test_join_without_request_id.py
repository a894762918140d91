"""The doctor on a stack whose services record no request id on their spans (TRACEBREAK_SPAN_REQUEST_ID
=false: only Envoy's own `guid:x-request-id` tag is left, at the edge, as on most systems). It still
names kafka-consumer-no-extract, joining C's fragment by the Kafka record (exact), and
uninstrumented-client, joining B's by its caller and time (probable), and says so in the evidence."""

import time

import httpx
import pytest

from tests.support.chaos import ground_truth, set_toggle
from tests.support.stack import cli_request, doctor, start_stack
from tracebreak.join_key import SPAN_ATTRIBUTE
from tracebreak.runtime.settings import Settings


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    yield from start_stack(tmp_path_factory.mktemp("no-request-id"), settings=Settings(span_request_id=False))


def hit(stack, name: str, timeout_s: float = 15) -> str:
    """A request the toggle hit, sent one at a time until one is (the flag file is polled)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        request_id = cli_request(stack.config, "42")["request_id"]
        if name in ground_truth(stack).get(request_id, set()):
            return request_id
    raise AssertionError(f"{name} hit no request within {timeout_s} s")


def verdict(stack, request_id: str, timeout_s: float = 20) -> dict:
    """The doctor's verdict on the request, as `tracebreak doctor --json` gives it once it settled."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = doctor(stack, "--since", "60s", "--settle", "1s")
        mine = [r for r in found["requests"] if r["request_id"] == request_id]
        if (mine and not found["totals"]["pending_requests"]) or time.monotonic() > deadline:
            assert mine, found["totals"]
            return mine[0]
        time.sleep(0.3)  # polling interval of a deadline-bounded wait


def test_no_service_span_carries_the_request_id(bare):
    answer = cli_request(bare.config, "42")
    stored = httpx.get(f"{bare.config.query_url}/api/traces/{answer['trace_id']}").json()["data"][0]
    tags = [{t["key"] for t in span["tags"]} for span in stored["spans"]]
    assert not any(set(SPAN_ATTRIBUTE.values()) & keys for keys in tags)
    assert sum("guid:x-request-id" in keys for keys in tags) >= 1  # Envoy's, at the edge
    assert verdict(bare, answer["request_id"])["whole"]


@pytest.mark.parametrize(
    ("toggle", "signature", "by", "confidence"),
    [
        ("kafka-consumer-no-extract", "consumer-not-extracting", "Kafka record", "exact"),
        ("uninstrumented-client", "uninstrumented-client", "caller and time", "probable"),
    ],
)
def test_a_fragment_without_the_id_is_joined_and_named(bare, toggle, signature, by, confidence):
    set_toggle(bare, toggle, 1.0)
    try:
        request_id = hit(bare, toggle)
        found = verdict(bare, request_id)
    finally:
        set_toggle(bare, toggle, None)
    assert found["signatures"] == [signature], found["findings"]
    joins = list(found["joins"].values())
    assert joins and all(j["by"] == by and j["confidence"] == confidence for j in joins), found["joins"]
    [finding] = found["findings"]
    assert any(f"by {by} ({confidence}" in said for said in finding["evidence"]["joined"].values())
    print(f"{toggle}: named {signature}, fragment joined by {by} ({confidence})")


def test_a_leaked_worker_without_ids_shows_as_a_trace_that_outlives_its_request(bare):
    set_toggle(bare, "context-leak", 1.0)
    try:
        first = hit(bare, "context-leak")  # the worker starts inside this request, and keeps its context
        started = time.monotonic()
        while time.monotonic() - started < 11:  # later requests' notices, past the 10 s a request spans
            cli_request(bare.config, "42")
    finally:
        set_toggle(bare, "context-leak", None)
    found = verdict(bare, first)
    assert found["signatures"] == ["mega-trace"], found["findings"]
    [finding] = found["findings"]
    assert finding["at"] == "service-a (in-process)"
    assert "past its request" in finding["evidence"]["detail"], finding["evidence"]
    print(f"context-leak without ids: {finding['evidence']['detail']}")
