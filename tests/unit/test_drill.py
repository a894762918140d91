"""The drill without a stack: the same seed draws the same mix, each level its shape, no pair where
one breaker hides the other; scoring; a state file that cannot be read is named."""

import pytest

from tracebreak.chaos.catalogue import BY_NAME
from tracebreak.drill import mix, score
from tracebreak.drill.state import Drill, silenced


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_level_draws_its_shape_the_same_for_the_same_seed(level):
    for seed in range(60):
        drawn = mix.draw(level, seed)
        assert drawn == mix.draw(level, seed)
        assert len(drawn.breakers) == (2 if level == 3 else 1)
        assert all(BY_NAME[n].kind == "breaker" for n in drawn.breakers)
        assert all(BY_NAME[n].kind == "fault" for n in drawn.faults)
        assert len(drawn.faults) == (1 if level > 1 or "silent-exception-recovery" in drawn.breakers else 0)
        assert frozenset(drawn.breakers) not in mix.MASKING
        for name, value in drawn.toggles.items():
            assert BY_NAME[name].setting.fits(value)
    if level == 3:
        rates = {v for seed in range(60) for v in mix.draw(3, seed).breakers.values() if isinstance(v, float)}
        assert rates == {1.0, 0.5}  # two breakers at different rates


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="--level must be 1, 2 or 3"):
        mix.draw(4, 1)


def test_the_boundary_an_answer_must_name():
    assert score.expected_boundary(BY_NAME["uninstrumented-client"], 1.0) == "service-a->service-b"
    assert score.expected_boundary(BY_NAME["orphan-background-task"], 1.0) == "service-a"
    assert score.expected_boundary(BY_NAME["logs-without-trace-id"], "service-c") == "service-c"


def test_points_fall_with_hints_and_the_doctor_caps_them():
    assert score.points(True, 0, False) == 100
    assert score.points(None, 0, False) == 70
    assert score.points(True, 3, False) == 70
    assert score.points(True, 0, True) == 50
    assert score.points(False, 9, False) == score.FLOOR
    answers = [{"right": True, "points": 100}, {"right": False, "points": 0}, {"right": True, "points": 50}]
    assert score.total(answers, 2) == 75


def test_a_state_file_that_cannot_be_read_is_named_and_keeps_the_doctor_quiet(tmp_path):
    (tmp_path / "drill.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a drill's state"):
        Drill.load(tmp_path)
    assert silenced(tmp_path)
    assert not silenced(tmp_path / "elsewhere")
