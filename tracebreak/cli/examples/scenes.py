"""A lab's transcript: the commands a trainee types, in order, on one stack, with the toggles they
turn on seen to act before the rest runs; every toggle off and seen off after."""

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass

from tracebreak import resets
from tracebreak.cli.examples.framework import SETTLE_S, Runner, request_json
from tracebreak.demo import WHOLE_SPANS

Effect = Callable[[Runner, dict], bool]  # given `tracebreak request 42 --json`'s document
Shows = Callable[[str], bool] | None  # which request transcript to quote, where not every one shows it
REQUEST = re.compile(r"trace ([0-9a-f]{32})\s+request ([0-9a-f-]{36})")
WIRE = "tracebreak wire"
UNSEEN = "not seen on the wire"
LOGGED_TRACE = re.compile(r'"trace_id":"([0-9a-f]{32})"')


def healthy(runner: Runner, request: dict) -> bool:
    return request.get("status") == 200 and request.get("spans") == WHOLE_SPANS


@dataclass(frozen=True)
class Scene:
    name: str
    # Lines as the lab shows them; {request_id} and {trace_id}: the last request's, {other_trace_id}:
    # the first other trace the log lines since name.
    steps: tuple[str, ...]
    effect: Effect = healthy  # what the stack shows once the scene's toggles act
    doctor_clean: bool = False  # wait until the doctor's window holds no broken request
    shows: Shows = None
    wire_shows: Shows = None  # which `tracebreak wire` to quote, besides one that saw every hop
    given: tuple[str, ...] = ()  # run first, unquoted: the stack as the lab has left it (the incident on)
    names: tuple[str, ...] = ()  # the signatures its doctor must name (more requests until it does)

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
    # The toggles the scene opens with act before the rest runs (a toggle may also close it).
    first = next(n for n, step in enumerate(scene.steps) if not step.startswith("tracebreak chaos"))
    ids: dict[str, str] = {}
    try:
        for line in scene.given:
            run_line(runner, line)
        for n, step in enumerate(scene.steps):
            line = step
            for name, value in ids.items():
                line = line.replace(f"{{{name}}}", value)
            if n == first:
                settle(runner, scene.effect)
                # The requests sent until the toggles acted are not the trainee's: the window the
                # page's `--since reset` judges starts after them, as on a trainee's stack.
                if any(resets.SINCE_RESET_FLAG in step for step in scene.steps):
                    resets.record(runner.config.flags_file.parent)
            if line.startswith("tracebreak doctor"):
                judged(runner, shlex.split(line)[1:], scene)
            shown[scene.key(n)] = run_line(runner, line, scene.wire_shows if line == WIRE else scene.shows)
            ids.update(named_ids(shown[scene.key(n)], ids.get("trace_id")))
    finally:
        runner.run("chaos", "reset")
        settle(runner, healthy)
    return shown


def named_ids(output: str, trace_id: str | None) -> dict[str, str]:
    """What a step's output gives later steps: a request's ids, or a trace its log lines name."""
    if found := REQUEST.search(output):
        return {"trace_id": found.group(1), "request_id": found.group(2)}
    others = [t for t in LOGGED_TRACE.findall(output) if t != trace_id]
    return {"other_trace_id": others[0]} if others else {}


def judged(runner: Runner, args: list[str], scene: Scene) -> None:
    """Until the doctor has every request's spans in, and names what the scene shows; where a rate
    left the window without one of its breaks (a failed order starts no audit, so no ghost span),
    one more request."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        output = runner.run(*args, "--json").stdout
        if no_broken(output) if scene.doctor_clean else (settled(output) and named(output, scene.names)):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"tracebreak {shlex.join(args)} did not settle within {SETTLE_S} s")
        if settled(output):
            runner.run("request", "42", "--wait", "0")


def named(output: str, names: tuple[str, ...]) -> bool:
    found = {name for request in request_json(output).get("requests", []) for name in request["signatures"]}
    return set(names) <= found


def settled(output: str) -> bool:
    totals = request_json(output).get("totals", {})
    return totals.get("requests", 0) > 0 and totals.get("pending_requests") == 0


def no_broken(output: str) -> bool:
    return settled(output) and request_json(output)["totals"].get("broken") == 0


def run_line(runner: Runner, line: str, shows: Shows = None) -> str:
    if not line.startswith("tracebreak "):
        return runner.shell(line)
    args = shlex.split(line)[1:]
    if line == WIRE:
        if runner.refused:  # no capture here: the step is left out, its example skipped
            return ""
        return retried(runner, args, lambda out: UNSEEN not in out and (shows is None or shows(out)))
    if shows is None or args[0] != "request":
        return runner.shown(*args)
    return retried(runner, args, shows)


def retried(runner: Runner, args: list[str], shows: Callable[[str], bool]) -> str:
    """The first transcript that shows what the page quotes it for."""
    deadline = time.monotonic() + SETTLE_S
    while not shows(transcript := runner.shown(*args)):  # a share of the requests shows it
        if time.monotonic() > deadline:
            raise RuntimeError(f"no `tracebreak {shlex.join(args)}` showed the incident within {SETTLE_S} s")
    return transcript


def settle(runner: Runner, effect: Effect) -> None:
    """Send requests until the stack shows the effect (the services poll the flag file)."""
    runner.until(("request", "42", "--json"), lambda out: effect(runner, request_json(out)))
