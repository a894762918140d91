"""The drill without a stack: the same seed draws the same mix, each level its shape, no pair where
one breaker hides the other; scoring, a named fault credited as a fault; hints that follow the mix and
cost nothing once every breaker is found; `reveal` names each breaker's lab; a state file that cannot
be read is named."""

import argparse
from pathlib import Path

import pytest

from tracebreak.chaos.catalogue import BY_NAME, ROOT
from tracebreak.drill import command, mix, score
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
    assert score.total(answers, 2, 0) == 75


def drilled(folder: Path, breakers: dict, faults: dict | None = None, hints_spent: int = 0) -> Path:
    """A level-2 drill's state in `folder`, as `drill start` leaves it (without the stack)."""
    Drill("pair", 2, 1, breakers, faults or {}, hints=hints_spent).save(folder)
    return folder / "flags.json"


def run(flags: Path, action, capsys, *, toggle=None, boundary=None, doctor=False) -> tuple[int, str]:
    args = argparse.Namespace(flags=flags, toggle=toggle, boundary=boundary, doctor=doctor)
    code = action(args)
    return code, capsys.readouterr().out


def test_a_named_fault_is_credited_as_a_fault_and_counts_in_the_score(tmp_path, capsys):
    flags = drilled(tmp_path, {"orphan-background-task": 1.0}, {"downstream-latency-ms": 300})
    code, said = run(flags, command.answer, capsys, toggle="downstream-latency-ms", boundary="service-c")
    assert code == 0 and said.startswith("yes: downstream-latency-ms is one of the mix's faults")
    assert f"{score.FAULT} points" in said and "1 more breaker to find" in said
    code, said = run(flags, command.answer, capsys, toggle="auth-error-rate")
    assert code == 1 and "auth-error-rate is not part of this incident" in said
    run(flags, command.answer, capsys, toggle="orphan-background-task", boundary="service-a")
    answers = [vars(a) for a in Drill.load(tmp_path).answers]
    assert [a["points"] for a in answers] == [score.FAULT, 0, 100]
    assert score.total(answers, 1, 1) == 100
    assert score.total(answers[1:], 1, 1) == round(100 * 100 / (100 + score.FAULT))


def test_hints_asked_once_every_breaker_is_found_are_free(tmp_path, capsys):
    flags = drilled(tmp_path, {"uninstrumented-client": 1.0}, hints_spent=1)
    code, said = run(
        flags, command.answer, capsys, toggle="uninstrumented-client", boundary="service-a->service-b"
    )
    assert code == 0 and "90 points" in said and "hints are free now" in said
    _, said = run(flags, command.hint, capsys)
    assert said.startswith("hint 2 of 4, free now that every breaker is found")
    _, said = run(flags, command.hint, capsys, doctor=True)
    assert "The doctor speaks now" in said
    drill = Drill.load(tmp_path)
    assert (drill.hints, drill.free_hints, drill.doctor) == (1, 1, False)
    assert not silenced(tmp_path)  # nothing left to hide: the doctor judges again


@pytest.mark.parametrize(
    ("breakers", "looks"),
    [
        ({"uninstrumented-client": 1.0}, ["More than one trace?"]),
        ({"silent-exception-recovery": 1.0}, ["Failed (status 502)? Which span says why?"]),
        ({"logs-without-trace-id": "service-c"}, ["read its log lines"]),
        (
            {"sampler-not-parent-based": 1.0, "logs-without-trace-id": "service-b"},
            ["stop at a call", "log lines"],
        ),
    ],
)
def test_the_hint_that_reads_the_requests_says_what_to_open_for_this_mix(tmp_path, capsys, breakers, looks):
    flags = drilled(tmp_path, breakers)
    run(flags, command.hint, capsys)
    _, said = run(flags, command.hint, capsys)
    assert said.startswith("hint 2 of 4") and all(look in said for look in looks), said
    assert ("more than one trace" in said.lower()) == ("uninstrumented-client" in breakers), said


@pytest.mark.parametrize("breaker", [n for n, t in BY_NAME.items() if t.kind == "breaker"])
def test_for_every_breaker_that_hint_says_what_to_look_for(tmp_path, capsys, breaker):
    flags = drilled(tmp_path, {breaker: 1.0})
    run(flags, command.hint, capsys)
    _, said = run(flags, command.hint, capsys)
    assert "Open a broken one." in said and not said.rstrip().endswith("Open a broken one.")


def test_reveal_names_each_breakers_lab_file(tmp_path, capsys):
    flags = drilled(tmp_path, {"logs-without-trace-id": "service-c", "uninstrumented-client": 0.5})
    _, said = run(flags, command.reveal, capsys)
    labs = [
        line.split(";")[0].removeprefix("read: ") for line in said.splitlines() if line.startswith("read: ")
    ]
    assert labs == ["docs/labs/08-logs-without-trace-id.md", "docs/labs/02-uninstrumented-client.md"]
    assert all((ROOT / lab).is_file() for lab in labs)


def test_a_state_file_that_cannot_be_read_is_named_and_keeps_the_doctor_quiet(tmp_path):
    (tmp_path / "drill.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a drill's state"):
        Drill.load(tmp_path)
    assert silenced(tmp_path)
    assert not silenced(tmp_path / "elsewhere")
