"""Every option that takes a duration reads it one way: Jaeger's Go durations, or bare seconds."""

import argparse

import pytest

from loadgen.cli import _stages
from loadgen.schedule import parse_stages
from tracebreak.durations import parse_duration_us


@pytest.mark.parametrize(
    ("text", "micros"),
    [
        ("20", 20_000_000),
        ("1.5", 1_500_000),
        (" 90 ", 90_000_000),
        ("100ms", 100_000),
        ("1h30m", 5_400_000_000),
    ],
)
def test_a_bare_number_is_seconds_and_units_read_as_jaeger_does(text, micros):
    assert parse_duration_us(text) == micros


@pytest.mark.parametrize("text", ["", "s", "20x", "-5", "1e3", "20 s"])
def test_anything_else_is_refused_with_the_forms_it_takes(text):
    with pytest.raises(
        ValueError, match=r"not a duration; write it like 100ms, 2s, 10m, 1h or 20 \(seconds\)"
    ):
        parse_duration_us(text)


def test_the_load_generator_takes_bare_seconds_for_its_duration_and_its_stages():
    args = argparse.Namespace(stages_file=None, stages=None, duration="20", rps=10.0)
    [stage] = _stages(args)
    assert stage.seconds == 20
    assert [s.seconds for s in parse_stages("30:10,60:10-200")] == [30, 60]
