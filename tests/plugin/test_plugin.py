"""tracebreak's pytest plugin as a user's suite runs it: installed, it gives any test the `traces`
fixture; here pointed at an OTLP JSON-lines file of real SDK spans (what a Collector's file exporter
writes), a request carried across two services and one whose context was lost on the way."""

import json
import threading

import pytest

from tests.support.spans import otlp_json, record_call

CONNECTED, BROKEN = "rid-connected", "rid-broken"


@pytest.fixture
def spans_file(pytester: pytest.Pytester) -> dict[str, list[str]]:
    """The file's requests, each with the trace ids of its spans, in order of start."""
    recorded = {rid: record_call(rid, carried=rid == CONNECTED) for rid in (CONNECTED, BROKEN)}
    recorded["no-id-connected"] = record_call(None, carried=True)
    lines = [json.dumps(otlp_json(spans)) for spans in recorded.values()]
    (pytester.path / "traces.jsonl").write_text("\n".join(lines) + "\n")
    return {
        name: [f"{span.context.trace_id:032x}" for span in sorted(spans, key=lambda s: s.start_time)]
        for name, spans in recorded.items()
    }


def run(pytester: pytest.Pytester, tests: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user_suite=tests)
    return pytester.runpytest("--tracebreak-source=traces.jsonl", "--tracebreak-settle=0s", *args)


def test_a_connected_request_passes_and_a_broken_one_fails_with_the_doctors_verdict(pytester, spans_file):
    pytester.makepyfile(
        test_user_suite=f"""
        def test_connected(traces):
            verdict = traces.assert_connected(request_id="{CONNECTED}", services={{"shop", "stock"}})
            assert verdict.request.main.trace_id == "{spans_file[CONNECTED][0]}"

        def test_broken(traces):
            traces.assert_connected(request_id="{BROKEN}")
        """
    )
    # A fresh interpreter: the plugin comes from the installed entry point, as in a user's suite.
    result = pytester.runpytest_subprocess("--tracebreak-source=traces.jsonl", "--tracebreak-settle=0s")
    result.assert_outcomes(passed=1, failed=1)
    shop_trace, stock_trace = sorted(set(spans_file[BROKEN]), key=spans_file[BROKEN].index)
    result.stdout.fnmatch_lines(
        [
            f"request {BROKEN} is not one connected trace: 2 traces across shop, stock (read from traces.jsonl)",
            f"*  trace {shop_trace}: shop, 2 spans, begins at shop 'GET /orders/{{id}}'",
            f"*  trace {stock_trace}: stock, 1 span, begins at stock 'GET /items/{{id}}'",
            "*context-dropped-in-transit at shop -> stock (HTTP): the caller sent its context, the callee never saw it*",
            f"*  evidence: traces {shop_trace}, {stock_trace}; spans *",
            "*  fix: Let traceparent, tracestate and baggage through everything between shop and stock*",
        ]
    )
    assert "tracebreak/testing" not in result.stdout.str()  # the verdict alone, no traceback into the plugin


def test_a_request_is_found_by_a_trace_id_or_the_headers_the_test_sent(pytester, spans_file):
    connected, [shop_trace, *_, stock_trace] = spans_file[CONNECTED][0], spans_file[BROKEN]
    traceparent = f"00-{connected}-{'1' * 16}-01"
    tests = f"""
        def test_by_trace_id(traces):
            traces.assert_connected(trace_id="{connected.upper()}")

        def test_by_the_headers_sent(traces):
            traces.assert_connected(headers={{"traceparent": "{traceparent}"}})
            traces.assert_connected(headers={{"X-Request-Id": "{CONNECTED}"}})

        def test_by_the_headers_answered(traces):
            traces.assert_connected(headers={{"traceresponse": "{traceparent}"}})

        def test_a_trace_with_no_request_id_is_judged_alone(traces):
            traces.assert_connected(trace_id="{spans_file["no-id-connected"][0]}", services={{"shop", "stock"}})

        def test_by_a_fragment(traces):
            traces.assert_connected(trace_id="{stock_trace}")
        """
    result = run(pytester, tests)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [f"trace {stock_trace}, of request {BROKEN}, is not one connected trace: 2 traces across shop, stock*",
         f"  trace {shop_trace}: shop, 2 spans*", "context-dropped-in-transit at shop -> stock (HTTP)*"]
    )  # fmt: skip


def test_every_service_named_needs_a_span_the_markers_as_the_arguments(pytester, spans_file):
    tests = f"""
        import pytest

        def test_named(traces):
            traces.assert_connected(request_id="{CONNECTED}", services={{"shop", "stock", "payments"}})

        @pytest.mark.tracebreak_services("shop", "stock", "ledger")
        def test_marked(traces):
            traces.assert_connected(request_id="{CONNECTED}")

        @pytest.mark.tracebreak_services("ledger")
        def test_the_arguments_win(traces):
            traces.assert_connected(request_id="{CONNECTED}", services={{"shop"}})
        """
    result = run(pytester, tests, "--tracebreak-timeout=300ms", "--strict-markers")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [f"request {CONNECTED} has no span of payments (read from traces.jsonl)",
         f"request {CONNECTED} has no span of ledger (read from traces.jsonl)"]
    )  # fmt: skip


def test_the_source_is_the_ini_files_else_the_environments(pytester, spans_file, monkeypatch):
    pytester.makepyfile(
        test_user_suite=f'def test_it(traces):\n    traces.assert_connected(request_id="{CONNECTED}")\n'
    )
    monkeypatch.setenv("TRACEBREAK_QUERY_URL", "traces.jsonl")
    pytester.runpytest("--tracebreak-settle=0s").assert_outcomes(passed=1)
    (pytester.path / "traces.jsonl").rename(pytester.path / "named.jsonl")
    pytester.makeini("[pytest]\ntracebreak_source = named.jsonl\ntracebreak_settle = 0s\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_request_never_seen_fails_saying_where_its_id_was_looked_for(pytester, spans_file):
    result = run(pytester, 'def test_it(traces):\n    traces.assert_connected(request_id="nobody")\n',
                 "--tracebreak-timeout=300ms")  # fmt: skip
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["no span of request nobody reached traces.jsonl within 0.3 s: a request is found by the id its "
         "spans carry, under guid:x-request-id, http.request.header.x-request-id, *"]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("call", "args", "said"),
    [
        ("traces.assert_connected()", (), "assert_connected: name the request by one of request_id=, "
         "trace_id= or headers= (got none)"),
        ('traces.assert_connected(request_id="a", trace_id="b")', (), "assert_connected: * (got request_id, trace_id)"),
        ('traces.assert_connected(trace_id="xyz")', (), "assert_connected: trace_id='xyz': expected a W3C trace id*"),
        ('traces.assert_connected(headers={"traceparent": "00-abc"})', (),
         "assert_connected: headers=: traceparent '00-abc' is not a W3C traceparent"),
        ("traces.assert_connected(headers={})", (), "assert_connected: headers= carry none of x-request-id, *"),
        ('traces.assert_connected(request_id="a")', ("--tracebreak-source=absent",),
         "cannot read traces from absent: absent: no such file or folder of OTLP JSON lines"),
        ('traces.assert_connected(request_id="a")', ("--tracebreak-settle=soon",),
         "tracebreak_settle: 'soon' is not a duration*"),
    ],
)  # fmt: skip
def test_a_wrong_call_or_setting_fails_in_one_line(pytester, spans_file, call, args, said):
    result = run(pytester, f"def test_it(traces):\n    {call}\n", *args)
    assert result.ret != 0
    result.stdout.fnmatch_lines([said])
    assert "Traceback" not in result.stdout.str() and "tracebreak/" not in result.stdout.str()


def test_an_assertion_waits_for_spans_that_arrive_late(pytester):
    """stock's spans reach the file after shop's, as a service with an export schedule of its own
    sends them: judged before they settle, or before every service named is there, the first request
    would be one trace short and the second would lack stock."""
    recorded = {rid: otlp_json(record_call(rid, carried=True)) for rid in ("rid-settling", "rid-named")}
    file = pytester.path / "traces.jsonl"
    late = {}
    for rid, document in recorded.items():
        by_service = {service_of(resource): resource for resource in document["resourceSpans"]}
        late[rid] = json.dumps({"resourceSpans": [by_service["stock"]]}) + "\n"
        with file.open("a") as lines:
            lines.write(json.dumps({"resourceSpans": [by_service["shop"]]}) + "\n")
    tests = """
        def test_settling(traces):
            traces.assert_connected(request_id="rid-settling")

        def test_named(traces):
            traces.assert_connected(request_id="rid-named", services={"shop", "stock"})
        """
    pytester.makepyfile(test_user_suite=tests)
    # The first request's stock spans come within its settle time; the second's after it.
    timers = [
        threading.Timer(at_s, append, (file, late[rid]))
        for at_s, rid in ((0.3, "rid-settling"), (4.5, "rid-named"))
    ]
    for timer in timers:
        timer.start()
    try:
        result = pytester.runpytest(
            "--tracebreak-source=traces.jsonl", "--tracebreak-settle=3s", "--tracebreak-timeout=15s"
        )
    finally:
        for timer in timers:
            timer.cancel()
    result.assert_outcomes(passed=2)


def service_of(resource_spans: dict) -> str:
    attributes = resource_spans["resource"]["attributes"]
    return next(a["value"]["stringValue"] for a in attributes if a["key"] == "service.name")


def append(file, line: str) -> None:
    with file.open("a") as lines:
        lines.write(line)
