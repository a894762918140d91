"""A lab's transcript: the commands a trainee types, in order, on one stack, with the toggles they
turn on seen to act before the rest runs; every toggle off and seen off after."""

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from tracebreak.cli.examples.framework import Runner, request_json

Effect = Callable[[Runner, dict], bool]  # given `tracebreak request 42 --json`'s document
REQUEST_ID = re.compile(r"request ([0-9a-f-]{36})")
WHOLE_SPANS = 14


def healthy(runner: Runner, request: dict) -> bool:
    return request.get("status") == 200 and request.get("spans") == WHOLE_SPANS


@dataclass(frozen=True)
class Scene:
    name: str
    steps: tuple[str, ...]  # lines as the lab shows them; {request_id}: the last request's id
    effect: Effect = healthy  # what the stack shows once the scene's toggles act
    doctor_clean: bool = False  # wait until the doctor's window holds no broken request

    def key(self, n: int) -> str:
        """The example name of the n-th step's block."""
        return f"{self.name}-{n}"


def play(runner: Runner, scene: Scene) -> dict[str, str]:
    """Every step's transcript, by key; played once per runner."""
    if scene.name not in runner.scenes:
        runner.scenes[scene.name] = _played(runner, scene)
    return runner.scenes[scene.name]


def _played(runner: Runner, scene: Scene) -> dict[str, str]:
    shown: dict[str, str] = {}
    last_toggle = max((n for n, s in enumerate(scene.steps) if s.startswith("tracebreak chaos")), default=-1)
    request_id = ""
    try:
        for n, step in enumerate(scene.steps):
            line = step.replace("{request_id}", request_id)
            if n == last_toggle + 1:
                settle(runner, scene.effect)
            if scene.doctor_clean and line.startswith("tracebreak doctor"):
                runner.until((*shlex.split(line)[1:], "--json"), no_broken)
            shown[scene.key(n)] = run_line(runner, line)
            if line.startswith("tracebreak request") and (found := REQUEST_ID.search(shown[scene.key(n)])):
                request_id = found.group(1)
    finally:
        runner.run("chaos", "reset")
        settle(runner, healthy)
    return shown


def no_broken(output: str) -> bool:
    totals = request_json(output).get("totals", {})
    return totals.get("requests", 0) > 0 and totals.get("broken") == 0


def run_line(runner: Runner, line: str) -> str:
    if line.startswith("tracebreak "):
        return runner.shown(*shlex.split(line)[1:])
    return runner.shell(line)


def settle(runner: Runner, effect: Effect) -> None:
    """Send requests until the stack shows the effect (the services poll the flag file)."""
    runner.until(("request", "42", "--json"), lambda out: effect(runner, request_json(out)))
