"""propagator-mismatch on the real stack: service-b speaks B3 multi-header alone. Its neighbours
speak W3C, so what each side writes the other never reads: B's server span starts a trace though A
sent a traceparent, and C starts one though B's records carry X-B3-TraceId. The doctor names the
signature at each of B's hops (A to B, B to C, and C's reply to B) with both propagator sets; off, the requests are whole again."""

import pytest

from tests.support.browser import browser_missing, open_request, screenshot
from tests.support.chaos import ground_truth, sent_and_judged, toggled
from tests.support.stack import audit, send_many

NAME = "propagator-mismatch"
W3C = ["baggage", "traceparent", "tracestate"]
B3 = ["x-b3-sampled", "x-b3-spanid", "x-b3-traceid"]
HOPS = {
    ("service-a", "service-b", "gRPC"): {"service-a": W3C, "service-b": B3},
    ("service-b", "service-c", "Kafka"): {"service-b": B3, "service-c": W3C},
    # C's reply carries a traceparent; B's reply consumer reads only B3.
    ("service-c", "service-b", "Kafka"): {"service-c": W3C, "service-b": B3},
}
REQUESTS = 6


def test_b3_against_w3c_is_named_at_each_of_the_hops_with_both_sets(stack, client_telemetry):
    with toggled(stack, client_telemetry, NAME):
        results, verdicts = sent_and_judged(stack, client_telemetry, REQUESTS)
    truth = ground_truth(stack)
    assert [r.status for r in results] == [200] * REQUESTS
    for result in results:
        assert NAME in truth[result.request_id]
        verdict = verdicts[result.request_id].as_dict()
        assert verdict["signatures"] == [NAME], verdict
        found = {tuple(f["boundary"].values()): f["evidence"]["propagators"] for f in verdict["findings"]}
        assert found == HOPS, verdict["findings"]
    print(f"{NAME}: {REQUESTS}/{REQUESTS} hit, doctor named {NAME} at the same {len(HOPS)} hops on each")
    results, verdicts = sent_and_judged(stack, client_telemetry, REQUESTS)
    assert all(verdicts[r.request_id].whole for r in results), [v.as_dict() for v in verdicts.values()]


def test_the_audit_says_b_speaks_another_format_not_nothing(stack, client_telemetry):
    with toggled(stack, client_telemetry, NAME):
        code, items = audit(stack)
    assert code == 1, items
    speaks = f"service-b's propagators handle no baggage, traceparent: it speaks {', '.join(B3)}"
    assert any(line.startswith(speaks) for line in items[7]["evidence"]), items[7]
    assert items[1]["status"] == "FAIL" and "service-b -> broker" in items[1]["boundaries"], items[1]
    assert any("in another format: B3 multi-header (X-B3-TraceId: " in line for line in items[1]["evidence"])


@pytest.mark.skipif(browser_missing() is not None, reason=f"{browser_missing()}")
def test_the_request_page_names_both_header_sets_at_each_hop(stack, client_telemetry, page):
    with toggled(stack, client_telemetry, NAME):
        [result] = send_many(stack, client_telemetry, [7])
    open_request(page, stack, result.request_id, f".finding >> nth={len(HOPS) - 1}")
    findings = page.locator(".finding").all_inner_texts()
    assert len(findings) == len(HOPS), findings
    for text in findings:
        assert f"speaks {','.join(W3C)}" in text and f"speaks {','.join(B3)}" in text, text
    screenshot(page, "request-propagator-mismatch")
