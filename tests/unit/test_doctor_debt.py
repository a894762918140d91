"""The debt a window shows: spans in fragments, their bytes as OTLP would carry them, and what they
come to a day at a stated rate."""

import argparse

import pytest

from tests.support.spans import otlp_protobuf, record_cascade
from tracebreak.doctor import debt
from tracebreak.doctor.drawing import draw
from tracebreak.doctor.report import run, totals
from tracebreak.traces.model import Span
from tracebreak.traces.otlp import PROTOBUF, decode_traces


def modelled(rows) -> list[Span]:
    return [
        Span(row.trace_id, row.span_id, row.parent_span_id or None, row.service, row.operation, row.kind,
             row.start_us, row.duration_us, {t["key"]: t["value"] for t in row.tags}, row.logs)
        for row in rows
    ]  # fmt: skip


def test_a_spans_bytes_are_near_what_the_otlp_exporter_sends():
    spans = record_cascade()
    estimated = sum(debt.span_bytes(span) for span in modelled(decode_traces(otlp_protobuf(spans), PROTOBUF)))
    assert 0.75 < estimated / len(otlp_protobuf(spans)) < 1.25


def request(spans: int, in_fragments: int, traces: int) -> dict:
    return {"request_id": "r", "trace_ids": [f"{n:032x}" for n in range(traces)], "whole": in_fragments == 0,
            "failed": False, "signatures": [], "findings": [], "spans": spans,
            "fragment_spans": in_fragments, "fragment_bytes": 400 * in_fragments}  # fmt: skip


def test_the_window_says_its_share_of_spans_in_fragments_and_what_that_is_a_day():
    found = totals([request(14, 0, 1), request(14, 2, 2)], 0, 0)
    assert (found["fragment_spans"], found["fragment_spans_percent"], found["fragment_bytes"]) == (
        2,
        7.14,
        800,
    )
    day = debt.at_rate(found, 10_000)
    # Half the requests leave 2 spans (800 B) and one extra trace: 1 span, 400 B, 0.5 traces a request.
    assert day["fragment_spans_per_day"] == 10_000 * 86_400
    assert day["fragment_bytes_per_day"] == 400 * 10_000 * 86_400
    assert day["fragments_per_day"] == 5_000 * 86_400


def test_the_terminal_says_the_debt_only_where_there_is_some(capsys):
    args = argparse.Namespace(since="10s", show=0, source="http://store")
    whole = {**totals([request(14, 0, 1)], 0, 0), "took_seconds": 0.001}
    draw({"requests": [request(14, 0, 1)], "totals": whole}, args)
    assert "debt:" not in capsys.readouterr().out
    broken = {**totals([request(14, 2, 2)], 0, 0), "took_seconds": 0.001}
    broken["at_rate"] = debt.at_rate(broken, 10_000)
    draw({"requests": [request(14, 2, 2)], "totals": broken}, args)
    said = capsys.readouterr().out
    assert "debt: 2 spans (14.29% of the requests') sit in fragments, 800 B" in said
    assert "at 10000 requests/s that is 1,728,000,000 spans, 691.2 GB and 864,000,000 extra traces" in said


def test_bytes_are_said_in_decimal_units():
    assert [debt.in_bytes(n) for n in (812, 9_100, 55_200_000_000, 13.8e15)] == [
        "812 B", "9.1 kB", "55.2 GB", "13.8 PB"
    ]  # fmt: skip


def test_a_rate_of_zero_is_refused_in_one_line(tmp_path):
    args = argparse.Namespace(data_folder=tmp_path, json=False, show=20, fail_on=None, since="1m", at_rps=0.0)
    with pytest.raises(ValueError, match="--at-rps takes a rate in requests per second above 0, not 0"):
        run(args)
