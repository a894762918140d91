"""The doctor on every core: a long window cut into slices judged by worker processes gives exactly
what one piece gives."""

import time

from tests.support.doctor_store import HOUR_US, filled
from tracebreak.store import doctor
from tracebreak.store.database import read_only
from tracebreak.store.judges import MARGIN_US, Judges, slices


def test_the_slices_keep_each_start_once_and_read_past_their_inner_edges():
    assert MARGIN_US == 10_000_000
    cuts = slices(0, 100_000_000, [40_000_000, 70_000_000])
    keeps = [keep for _, keep in cuts]
    assert keeps == [(float("-inf"), 40_000_000), (40_000_000, 70_000_000), (70_000_000, float("inf"))]
    assert [window for window, _ in cuts] == [
        (0, 50_000_000),
        (30_000_000, 80_000_000),
        (60_000_000, 100_000_000),
    ]


def test_judged_in_slices_is_judged_in_one_piece(tmp_path):
    path = tmp_path / "traces.db"
    filled(path).close()
    reader = read_only(path)
    end_us = time.time_ns() // 1000
    start_us = end_us - HOUR_US
    judges = Judges(path, workers=2, split_at=0)  # split however short the window
    try:
        apart = judges.judge(reader, start_us, end_us, 0, "here")
    finally:
        judges.close()
    whole = doctor.judge(reader, start_us, end_us, 0, "here")
    for found in (apart, whole):
        found["totals"].pop("took_seconds")
    assert len(apart["requests"]) == 6 and apart == whole
