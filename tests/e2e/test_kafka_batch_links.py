"""kafka-batch-links on the real stack: C takes its records in batches and processes each batch under
one span, in a trace of its own, linked to every record's context. Each request is then two traces,
its own and its batch's, and the doctor calls it whole by link, not broken; off, one trace again."""

from collections import Counter

import pytest

from tests.support.browser import browser_missing, open_request, screenshot
from tests.support.chaos import ground_truth, sent_and_judged, toggled
from tests.support.stack import audit, send_many

NAME = "kafka-batch-links"
REQUESTS = 8


def batch_spans(verdicts):
    """Each batch's span (C's processing span with links), by its span id."""
    return {
        span.span_id: span
        for verdict in verdicts.values()
        for span in verdict.request.spans
        if span.service == "service-c" and span.links
    }


def test_a_batch_linked_to_each_record_leaves_every_request_whole_by_link(stack, client_telemetry):
    with toggled(stack, client_telemetry, NAME):  # off again, and seen off, once the block ends
        results, verdicts = sent_and_judged(stack, client_telemetry, REQUESTS)
    hit = ground_truth(stack)
    assert all(r.status == 200 and NAME in hit[r.request_id] for r in results), results
    for verdict in (verdicts[r.request_id].as_dict() for r in results):
        assert verdict["whole"] and verdict["whole_by_link"], verdict
        assert len(verdict["trace_ids"]) == 2, verdict  # its own, and its batch's
    batches = batch_spans(verdicts)
    for span in batches.values():
        assert len(span.links) == span.tags["messaging.batch.message_count"]
    # Every request's record is linked from exactly one batch.
    linked = Counter(link for span in batches.values() for link in span.links)
    assert sum(linked.values()) == REQUESTS and set(linked.values()) == {1}
    sizes = sorted(len(span.links) for span in batches.values())
    print(f"{NAME}: {REQUESTS}/{REQUESTS} whole by link, in {len(batches)} batches of {sizes}")
    results, verdicts = sent_and_judged(stack, client_telemetry, REQUESTS)
    for verdict in (v.as_dict() for v in verdicts.values()):
        assert verdict["whole"] and not verdict["whole_by_link"] and len(verdict["trace_ids"]) == 1, verdict


@pytest.mark.skipif(browser_missing() is not None, reason=f"{browser_missing()}")
def test_the_request_page_draws_the_link_between_the_request_and_its_batch(stack, client_telemetry, page):
    with toggled(stack, client_telemetry, NAME):
        results = send_many(stack, client_telemetry, [3, 4, 5])
    request_id = results[-1].request_id
    open_request(page, stack, request_id, ".fragment >> nth=1")
    assert page.locator(".verdict.whole").inner_text().startswith("whole by link: 2 traces joined by link")
    assert page.locator(".fragment.lost").count() == 0  # a trace begun on purpose is not drawn as lost
    batch = page.locator(".fragment", has_text="joined by link")
    assert batch.count() == 1
    follows = batch.locator(".marker", has_text="follows from service-b: ").all_inner_texts()
    assert follows and all(m.endswith(" by link") for m in follows), follows
    own = page.locator(".fragment").first.locator(".marker", has_text="linked from trace ")
    assert own.count() == 1  # B's send of this request's record, which the batch follows from
    screenshot(page, "request-batch-links")


def test_the_audit_passes_a_request_whose_work_is_joined_by_link(stack, client_telemetry):
    with toggled(stack, client_telemetry, NAME):
        code, items = audit(stack)
    assert code == 0, items
    assert any("linked to service-b's send" in line for line in items[4]["evidence"]), items[4]["evidence"]
    assert any("is joined to it by link" in line for line in items[8]["evidence"]), items[8]
