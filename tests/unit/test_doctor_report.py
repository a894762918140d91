"""The doctor's terminal report: an empty window says there was nothing to judge (not "100% whole");
a finding without traces (log lines without trace_id) gives its log lines as evidence."""

import argparse

from tracebreak.doctor.report import _evidence, draw, totals

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
    assert _evidence({"trace_ids": ["ab" * 16], "span_ids": []}) == "traces abababab"
