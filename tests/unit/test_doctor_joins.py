"""Joining without a request id on every span: a fragment that carries none joins its request by
the Kafka record both name (exact) or by its caller and time (probable), the verdict says how; the
join keys are the user's to name; and the checks that need no join run over every trace."""

from tests.support.requests import HTTP_ID, request_of, span
from tracebreak.doctor import checks
from tracebreak.doctor.collect import join
from tracebreak.doctor.report import Verdict, document
from tracebreak.doctor.rules import diagnose
from tracebreak.traces.model import Trace

GRPC = {"rpc.system": "grpc", "rpc.service": "tracebreak.auth.v1.Auth"}


def judged(traces, **options):
    collected = join(traces, 0, 10**9, known=frozenset({"service-a", "envoy", "service-b"}), **options)
    return {r.request_id: Verdict(r, diagnose(r)).as_dict() for r in collected.requests}, collected


def b_serving_a(start):
    """Another request, whole: B serves A's call in it, so B is seen serving calls in the window."""
    spans = request_of("whole", start)
    return Trace("whole", [*spans, span("whole-b", "whole-a", "service-b", "server", start + 50, start + 60, "whole",
                                        **GRPC)])  # fmt: skip


def b_served(trace_id, start, **tags):
    """service-b's server span, a root: the call reached B without a context, and B records no id."""
    return Trace(trace_id, [span(f"{trace_id}-b", None, "service-b", "server", start, start + 50, trace_id,
                                 **GRPC, **tags)])  # fmt: skip


def test_a_server_root_with_no_id_joins_the_request_that_called_out_then_probably():
    calling = [*request_of("r1", 0), span("r1-call", "r1-a", "service-a", "client", 100, 900, "r1", **GRPC)]
    found, _ = judged([Trace("r1", calling), b_served("lost", 200)])
    [verdict] = found.values()
    assert verdict["trace_ids"] == ["r1", "lost"]
    assert verdict["joins"] == {"lost": {"by": "caller and time", "confidence": "probable", "candidates": 1}}
    [finding] = verdict["findings"]
    assert finding["signature"] == "context-dropped-in-transit"
    assert finding["evidence"]["joined"] == {"lost": "by caller and time (probable)"}


def test_with_no_client_span_the_innermost_open_span_is_the_caller_and_the_client_uninstrumented():
    found, _ = judged([Trace("r1", request_of("r1", 0)), b_served("lost", 200), b_serving_a(100_000)])
    verdict = found["r1"]
    assert verdict["signatures"] == ["uninstrumented-client"]
    assert verdict["findings"][0]["at"] == "service-a -> service-b (gRPC)"


def test_two_requests_open_at_once_both_fit_and_the_evidence_says_so():
    first = [*request_of("r1", 0), span("r1-call", "r1-a", "service-a", "client", 100, 900, "r1", **GRPC)]
    traces = [
        Trace("r1", first),
        Trace("r2", request_of("r2", 150)),
        b_served("lost", 300),
        b_serving_a(100_000),
    ]
    found, _ = judged(traces)
    assert found["r1"]["joins"]["lost"]["candidates"] == 2  # r1 called out, r2 was merely open
    assert "2 requests fitted" in found["r1"]["findings"][0]["evidence"]["joined"]["lost"]
    assert found["r2"]["whole"]


def test_a_server_root_in_a_service_never_seen_serving_a_call_is_a_request_of_its_own():
    """Without a CLIENT span calling it, a root in an entry service (nothing calls it) is not glued to a
    request that happened to be in flight: it may well begin a request of its own."""
    found, collected = judged([Trace("r1", request_of("r1", 0)), b_served("lost", 200)])
    assert found["r1"]["whole"] and [t.trace_id for t in collected.unjoined] == ["lost"]


def test_a_server_root_no_request_was_open_for_stays_unjoined():
    found, collected = judged([Trace("r1", request_of("r1", 0)), b_served("lost", 50_000)])
    assert found["r1"]["whole"] and [t.trace_id for t in collected.unjoined] == ["lost"]


def test_the_join_keys_are_the_users_to_name():
    own = "app.request_id"
    traces = [Trace("t1", [span("s1", None, "shop", "server", 0, 10, "t1", **{own: "x"})]),
              Trace("t2", [span("s2", None, "stock", "consumer", 20, 30, "t2", **{own: "x"})])]  # fmt: skip
    by_default, _ = judged(traces)
    assert by_default == {}  # nobody's id under the default keys
    found, _ = judged(traces, keys=(own,))
    assert found["x"]["trace_ids"] == ["t1", "t2"]
    assert found["x"]["joins"] == {}  # joined by the id itself


def test_the_checks_that_need_no_join_find_what_each_names():
    healthy = Trace("ok", request_of("ok", 0))
    a_calls_b = Trace("ab", [span("a", None, "shop", "server", 0, 100, "ab"),
                             span("b", "a", "service-b", "server", 10, 90, "ab")])  # fmt: skip
    b_root = b_served("b-root", 500)
    orphan = Trace("orph", [span("c", "gone", "service-c", "consumer", 0, 5, "orph")])
    client_root = Trace("cr", [span("k", None, "cron", "client", 0, 5, "cr")])
    found = checks.found([healthy, a_calls_b, b_root, orphan, client_root])
    assert found == {
        "SPA-002": ["c"],
        "SPA-004": ["k"],
        "remote-parent-missing": ["c"],
        "callee-roots": ["b-root-b"],  # service-b serves A's calls elsewhere: a root in it lost them
    }
    assert all(ids == [] for ids in checks.found([healthy]).values())


def test_the_checks_are_in_the_totals_summed_over_parts():
    summed = document([], 0, 0, "file", 0, [{"SPA-002": ["a", "b"]}, {"SPA-002": ["c"]}])["totals"]["checks"]
    assert summed["SPA-002"]["count"] == 3 and summed["SPA-002"]["span_ids"] == ["a", "b", "c"]
    assert summed["SPA-004"]["count"] == 0


def test_a_span_that_carries_its_id_joins_as_before():
    traces = [Trace("r1", request_of("r1", 0)), Trace("frag", [span("g", None, "service-a", "internal",
                                                                   500, 510, "frag", **{HTTP_ID: "r1"})])]  # fmt: skip
    found, _ = judged(traces)
    assert found["r1"]["signatures"] == ["ghost-span"] and found["r1"]["joins"] == {}


def test_a_root_begun_on_purpose_with_links_is_no_callee_root():
    a_calls_b = Trace("ab", [span("a", None, "shop", "server", 0, 100, "ab"),
                             span("b", "a", "service-b", "server", 10, 90, "ab")])  # fmt: skip
    batch = span("batch", None, "service-b", "consumer", 200, 300, "batch")
    batch.links = ("b",)
    poll = Trace("poll", [span("poll", None, "service-b", "consumer", 400, 410, "poll"),
                          span("topic", "poll", "service-b", "consumer", 401, 409, "poll")])  # fmt: skip
    poll.spans[1].links = ("b",)
    found = checks.found([a_calls_b, Trace("batch", [batch]), poll])
    assert found["callee-roots"] == [] and found["SPA-004"] == []
