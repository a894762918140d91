"""The doctor on a trace shared by several requests (a mega-trace): cut per request, each request told."""

from tests.support.requests import leaked, notice, request_of, span, verdicts
from tracebreak.traces.model import Trace


def test_every_request_in_a_shared_trace_is_told_apart_and_named_a_mega_trace():
    found = verdicts(leaked(4))
    assert sorted(found) == ["r0", "r1", "r2", "r3"]  # four requests, not one joined by the trace
    for verdict in found.values():
        assert verdict["signatures"] == ["mega-trace"], verdict
        [finding] = verdict["findings"]
        assert finding["at"] == "service-a (in-process)"
        assert finding["evidence"]["trace_ids"] == ["r0"]
        assert finding["evidence"]["requests_in_trace"] == 4
        assert "r0-a" in finding["evidence"]["span_ids"]  # the span current when the worker started


def test_a_later_request_marks_its_own_work_in_the_shared_trace_not_request_ones():
    finding = verdicts(leaked(3))["r2"]["findings"][0]
    assert finding["lost_at"] == ["r2-notice"]
    assert finding["evidence"]["span_ids"] == ["r0-a", "r2-notice"]


def test_a_worker_that_runs_each_notice_in_its_own_requests_context_leaves_every_request_whole():
    traces = {f"r{n}": request_of(f"r{n}", n * 10_000) for n in range(3)}
    for n in range(3):
        traces[f"r{n}"].append(notice(f"r{n}", f"r{n}", f"r{n}-a", n * 10_000 + 970))
    found = verdicts([Trace(t, spans) for t, spans in traces.items()])
    assert all(v["whole"] and v["signatures"] == [] for v in found.values()), found


def test_one_request_alone_in_the_leaked_workers_trace_is_not_a_mega_trace():
    found = verdicts(leaked(1))
    assert found["r0"]["whole"], found


def test_a_trace_that_outlives_its_request_by_far_is_a_mega_trace_even_without_ids():
    spans = request_of("r0", 0)
    late = [span(f"late-{n}", "r0-a", "service-a", "internal", 20_000_000 + n * 1000, 20_000_005 + n * 1000, "r0")
            for n in range(3)]  # fmt: skip
    found = verdicts([Trace("r0", sorted(spans + late, key=lambda s: s.start_us))])
    [finding] = found["r0"]["findings"]
    assert finding["signature"] == "mega-trace" and finding["at"] == "service-a (in-process)"
    assert finding["lost_at"] == ["r0-a"]  # the span the worker kept, current while r0 was served
    assert "runs 20 s past its request" in finding["evidence"]["detail"]
    assert "3 spans began later than 10 s after it" in finding["evidence"]["detail"]


def test_work_a_few_seconds_after_the_answer_is_not_a_mega_trace():
    spans = [*request_of("r0", 0), span("soon", "r0-a", "service-a", "internal", 5_000_000, 5_000_010, "r0")]
    assert verdicts([Trace("r0", sorted(spans, key=lambda s: s.start_us))])["r0"]["whole"]
