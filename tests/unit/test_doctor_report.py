"""The doctor's terminal report: an empty window says there was nothing to judge (not "100% whole");
a finding without traces (log lines without trace_id) gives its log lines as evidence; one of a kind
is said in the singular; a list cut at --show says how many it left out and how to see them."""

import argparse

import pytest

from tracebreak.doctor.drawing import _evidence, draw
from tracebreak.doctor.report import run, totals

ARGS = argparse.Namespace(since="10s", show=20, source="")


def found(pending: int) -> dict:
    return {"requests": [], "totals": {**totals([], pending, 0), "took_seconds": 0.001}}


def test_an_empty_window_says_nothing_was_judged_and_how_to_get_something(capsys):
    draw(found(pending=0), ARGS)
    said = capsys.readouterr().out
    assert "no request since 10s: nothing to judge" in said and "tracebreak request 42" in said
    assert "% whole" not in said


def test_a_window_with_requests_still_arriving_gives_the_totals(capsys):
    draw(found(pending=2), ARGS)
    assert "2 still arriving" in capsys.readouterr().out


def test_a_finding_without_traces_gives_its_log_lines_as_evidence():
    assert _evidence({"trace_ids": [], "span_ids": [], "log_lines": 3}) == "3 log lines without trace_id"
    assert _evidence({"trace_ids": [], "span_ids": [], "log_lines": 1}) == "1 log line without trace_id"
    assert _evidence({"trace_ids": ["ab" * 16], "span_ids": []}) == "trace abababab"
    assert _evidence({"trace_ids": ["ab" * 16, "cd" * 16], "span_ids": []}) == "traces abababab, cdcdcdcd"


def ghost(n: int) -> dict:
    """A request the doctor judged broken: one ghost span, in a trace of its own."""
    finding = {
        "signature": "ghost-span",
        "boundary": {"from": "service-a", "to": "service-a", "protocol": "in-process"},
        "evidence": {"trace_ids": [f"{n:032x}"], "span_ids": [f"{n:016x}"]},
        "fix": "carry the context",
    }
    return {"request_id": f"request-{n:03d}", "trace_ids": [f"{n:032x}", f"{n + 1:032x}"], "whole": False,
            "failed": False, "signatures": ["ghost-span"], "findings": [finding]}  # fmt: skip


def drawn(requests: list[dict], capsys, show: int = 20) -> str:
    draw({"requests": requests, "totals": {**totals(requests, 0, 0), "took_seconds": 0.001}},
         argparse.Namespace(since="10s", show=show, source="http://store"))  # fmt: skip
    return capsys.readouterr().out


def test_one_of_a_kind_is_said_in_the_singular(capsys):
    said = drawn([ghost(1)], capsys)
    assert "1 request since 10s" in said and "1 ghost span," in said and "ghost-span: 1 request —" in said
    assert "requests since" not in said and "ghost spans" not in said


def test_a_list_cut_at_show_says_how_many_it_left_out_and_how_to_see_them(capsys):
    said = drawn([ghost(n) for n in range(5)], capsys, show=2)
    assert said.count("  see http://store/request/") == 2
    assert "… 3 more broken requests; --show 5 lists them all" in said
    assert "more broken request" not in drawn([ghost(n) for n in range(5)], capsys, show=5)
    assert "… 1 more broken request; --show 2" in drawn([ghost(1), ghost(2)], capsys, show=1)


def test_a_negative_show_is_refused_in_one_line(tmp_path):
    args = argparse.Namespace(data_folder=tmp_path, json=False, show=-1, fail_on=None, since="1m")
    with pytest.raises(ValueError, match="--show takes how many broken requests to list, 0 or more"):
        run(args)


def test_a_source_with_no_web_view_gets_no_link(capsys):
    for source in ("/ci/traces.jsonl", "jaeger-v3+http://jaeger:16686"):
        draw({"requests": [ghost(1)], "totals": {**totals([ghost(1)], 0, 0), "took_seconds": 0.001},
              "source": "/ci/traces.jsonl" if "+" not in source else "http://jaeger:16686"},
             argparse.Namespace(since="10s", show=5, source=source))  # fmt: skip
        said = capsys.readouterr().out
        assert ("see http://jaeger:16686/request/" in said) == ("+" in source)
        assert "/ci/traces.jsonl/request" not in said
