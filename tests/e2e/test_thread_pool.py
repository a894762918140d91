"""thread-pool-without-context on the real stack: C's blocking SQLite read handed to the loop's
default executor starts a trace of its own in service-c (a ghost span), for exactly the requests the
toggle hit; off, the read is a child of C's database span again."""

import pytest

from tests.support.chaos import ground_truth, sent_and_judged, set_toggle, wait_until_hit

NAME = "thread-pool-without-context"
GHOST = ("ghost-span", {"from": "service-c", "to": "service-c", "protocol": "in-process"})


def shapes(verdict):
    return [(f["signature"], f["boundary"]) for f in verdict.as_dict()["findings"]]


@pytest.mark.parametrize(("rate", "count"), [(1.0, 6), (0.5, 40)])
def test_the_pool_thread_loses_the_context_for_the_requests_hit(stack, client_telemetry, rate, count):
    set_toggle(stack, NAME, rate)
    try:
        wait_until_hit(stack, client_telemetry, NAME, hit=True)
        results, verdicts = sent_and_judged(stack, client_telemetry, count, batch=10)
    finally:
        set_toggle(stack, NAME, None)
    truth = ground_truth(stack)
    hit = [r for r in results if NAME in truth[r.request_id]]
    assert [r.status for r in results] == [200] * count  # the order is found all the same
    for result in results:
        verdict = verdicts[result.request_id]
        assert shapes(verdict) == ([GHOST] if result in hit else []), verdict.as_dict()
        if result in hit:  # the ghost is the pool thread's read, with the driver's span below it
            [ghost] = verdict.request.fragments
            assert {(s.service, s.operation) for s in ghost.spans} >= {("service-c", "read orders")}
            assert any(s.kind == "client" and s.tags.get("db.system") == "sqlite" for s in ghost.spans)
    print(f"{NAME} at rate {rate}: {len(hit)}/{count} hit, doctor named {GHOST[0]} on {len(hit)}")
    assert len(hit) == count if rate == 1.0 else 0.25 * count <= len(hit) <= 0.75 * count


def test_off_the_read_is_a_child_of_the_database_span(stack, client_telemetry):
    wait_until_hit(stack, client_telemetry, NAME, hit=False)
    results, verdicts = sent_and_judged(stack, client_telemetry, 6, batch=10)
    for result in results:
        verdict = verdicts[result.request_id]
        assert verdict.whole, verdict.as_dict()
        spans = {s.span_id: s for s in verdict.request.main.spans}
        [read] = [s for s in spans.values() if s.operation == "read orders"]
        assert spans[read.parent_id].operation == "SELECT orders"
