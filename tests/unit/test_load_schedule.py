import itertools

import pytest

from loadgen.schedule import ScheduleError, constant, duration, parse_stages, send_times


def test_a_constant_rate_spaces_requests_evenly():
    times = list(send_times(constant(100, 2)))
    assert len(times) == 200
    assert times[0] == 0 and times[-1] == pytest.approx(1.99)
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(times)}
    assert gaps == {0.01}


def test_stages_step_and_ramp():
    stages = parse_stages("1s:10, 2s:10-30")
    assert duration(stages) == 3
    times = list(send_times(stages))
    assert len(times) == 10 + 40  # a ramp from 10 to 30 over 2 s sends (10 + 30) / 2 * 2
    in_ramp = [t for t in times if t > 1]
    first_second, last_second = [t for t in in_ramp if t <= 2], [t for t in in_ramp if t > 2]
    assert len(first_second) < len(last_second)


def test_poisson_arrivals_keep_the_mean_rate():
    times = list(send_times(constant(200, 50), poisson=True, seed=7))
    assert len(times) == pytest.approx(10_000, rel=0.03)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(set(round(g, 6) for g in gaps)) > 1000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30s", "is not DURATION:RATE"),
        ("30x:10", "not a duration"),
        ("0s:10", "above 0"),
        ("10s:0", "above 0"),
    ],
)
def test_bad_stages_say_what_is_expected(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_stages(text)


def test_a_rate_of_zero_is_refused():
    with pytest.raises(ScheduleError, match="--rps must be above 0"):
        constant(0, 10)
