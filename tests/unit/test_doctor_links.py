"""The doctor on a consumer that processes a batch under one span linked to each record's context
(the kafka-batch-links design): every request of the batch whole by link, never a mega-trace; a
batch that lost one record's link leaves that request in another's trace."""

from dataclasses import replace

from tests.support.requests import HTTP_ID, request_of, span, verdicts
from tracebreak.doctor.drawing import draw
from tracebreak.doctor.report import document
from tracebreak.traces.model import Trace

BATCH = "batch"


def produced(request_id):
    """B's record for the request: the PRODUCER span, in the request's own trace."""
    return span(f"{request_id}-send", f"{request_id}-a", "service-b", "producer", 500, 520, request_id,
                **{"messaging.destination.name": "enrichment.requests"})  # fmt: skip


def batched(count, linked=None):
    """`count` requests whose records C processed in one batch, linked to those in `linked` (all)."""
    ids = [f"r{n}" for n in range(count)]
    linked = ids if linked is None else linked
    traces = [Trace(r, [*request_of(r, 0), produced(r)]) for r in ids]
    head = span(
        BATCH, None, "service-c", "consumer", 600, 900, BATCH, **{"messaging.batch.message_count": count}
    )
    head = replace(head, links=tuple(f"{r}-send" for r in linked))
    work = [
        span(f"{r}-process", BATCH, "service-c", "consumer", 610 + n, 890, BATCH, **{HTTP_ID: r})
        for n, r in enumerate(ids)
    ]
    return [*traces, Trace(BATCH, [head, *work])]


def test_every_request_of_a_linked_batch_is_whole_by_link():
    found = verdicts(batched(3))
    assert sorted(found) == ["r0", "r1", "r2"]
    for verdict in found.values():
        assert verdict["whole"] and verdict["whole_by_link"], verdict
        assert verdict["trace_ids"] == [verdict["request_id"], BATCH]  # its own trace, and the batch's


def test_a_record_the_batch_does_not_link_leaves_its_request_in_anothers_trace():
    found = verdicts(batched(3, linked=["r0", "r2"]))
    assert found["r0"]["whole_by_link"] and found["r2"]["whole_by_link"]
    assert found["r1"]["signatures"] == ["mega-trace"], found["r1"]


def test_a_request_whole_in_its_own_trace_is_not_whole_by_link():
    traces = [Trace("r0", [*request_of("r0", 0), produced("r0")])]
    [verdict] = verdicts(traces).values()
    assert verdict["whole"] and not verdict["whole_by_link"]


def test_the_terminal_says_how_many_are_whole_by_link(capsys):
    found = document(list(verdicts(batched(2)).values()), 0, 0, "file", 0.1)
    assert found["totals"]["whole_by_link"] == 2
    draw(found, type("Args", (), {"since": "10m", "show": 20, "source": "file"})())
    assert "100.0% whole (2 of them by link), 0 broken" in capsys.readouterr().out
