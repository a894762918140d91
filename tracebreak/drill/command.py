"""`tracebreak drill start | hint | answer | reveal | status | stop`."""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tracebreak import endpoints
from tracebreak.chaos import command as chaos_command
from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import Toggle, lab_page, toggle
from tracebreak.drill import hints, mix, score, state
from tracebreak.drill.symptoms import page
from tracebreak.terminal import counted

LOAD_RPS = "2"  # modest: a trainee's traces, not a flood


def folder(args: argparse.Namespace) -> Path:
    return Path(args.flags).parent


def current(args: argparse.Namespace) -> state.Drill:
    drill = state.Drill.load(folder(args))
    if drill is None:
        raise ValueError("no drill is running: start one with `tracebreak drill start`")
    return drill


def start(args: argparse.Namespace) -> int:
    if flagfile.drill_running(args.flags):
        raise ValueError("a drill is already running: `tracebreak drill stop` ends it")
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    drawn = mix.draw(args.level, seed)
    chaos_command.reset_all(args.flags, args.envoy_admin)
    flagfile.set_announce_hits(args.flags, False)  # `stop` writes the default flags back: on
    for name, value in drawn.toggles.items():
        chaos_command.apply(args.flags, args.envoy_admin, name, value)
    drill = state.Drill(args.trainee, args.level, seed, drawn.breakers, drawn.faults)
    drill.load_pid = _load(args)
    drill.save(folder(args))
    print(f"drill started: level {args.level} ({mix.LEVELS[args.level]}), seed {seed}. The page:")
    print(page([*drawn.breakers, *drawn.faults]))
    allowed = "the doctor may help from the start" if args.level == 1 else "the doctor is silent"
    print(f"Background load: {LOAD_RPS} requests a second. At this level {allowed}.")
    return 0


def _load(args: argparse.Namespace) -> int:
    """The load generator in a session of its own: it outlives this command, `stop` ends it."""
    logs = folder(args) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tracebreak.cli", "load", "--rps", LOAD_RPS, "--duration", "2h",
               "--target", args.edge]  # fmt: skip
    with (logs / "drill-load.log").open("w") as out:
        return subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True).pid


def hint(args: argparse.Namespace) -> int:
    drill = current(args)
    steps = hints.workflow(drill.breakers)
    if drill.solved:
        print(_free_hint(drill, steps, args.doctor))
    elif args.doctor:
        drill.doctor = True
        print(hints.DOCTOR)
    elif drill.hints < len(steps):
        print(f"hint {drill.hints + 1} of {len(steps)}: {steps[drill.hints]}")
        drill.hints += 1
    else:
        print("no hint left but the doctor: `tracebreak drill hint --doctor` (it caps the score)")
    drill.save(folder(args))
    return 0


def _free_hint(drill: state.Drill, steps: tuple[str, ...], doctor: bool) -> str:
    """A hint once every breaker is found: it costs nothing, and the scoreboard counts it apart."""
    if doctor:
        return f"Free now that every breaker is found. {hints.SPEAKS}"
    given = drill.hints + drill.free_hints
    if given >= len(steps):
        return "no hint left, and every breaker is found: `tracebreak drill reveal` tells the rest"
    drill.free_hints += 1
    return f"hint {given + 1} of {len(steps)}, free now that every breaker is found: {steps[given]}"


def answer(args: argparse.Namespace) -> int:
    drill = current(args)
    named = toggle(args.toggle)  # an unknown name is a clear error, not a wrong answer
    seconds = round(time.time() - drill.started, 1)
    if args.toggle in drill.found or args.toggle not in drill.toggles:
        return _wrong(drill, args, seconds, named)
    found = _fault_named if named.kind == "fault" else _breaker_found
    said = found(drill, args, named, seconds)
    drill.save(folder(args))
    print(said)
    print(_left(drill))
    return 0


def _wrong(drill: state.Drill, args: argparse.Namespace, seconds: float, named: Toggle) -> int:
    if args.toggle in drill.found:
        said = "already found"
    elif named.kind == "fault":
        said = f"no: {args.toggle} is not part of this incident"
    else:
        said = f"no: {args.toggle} is not what breaks the traces"
    drill.answers.append(state.Answer(args.toggle, args.boundary, seconds, False, None, 0))
    drill.save(folder(args))
    print(said)
    return 1


def _fault_named(drill: state.Drill, args: argparse.Namespace, named: Toggle, seconds: float) -> str:
    drill.answers.append(state.Answer(args.toggle, args.boundary, seconds, True, None, score.FAULT))
    return (
        f"yes: {args.toggle} is one of the mix's faults. {named.story} Part of the incident, nothing to fix "
        f"in the tracing: {counted(score.FAULT, 'point')} (a fault's boundary is not scored)"
    )


def _breaker_found(drill: state.Drill, args: argparse.Namespace, named: Toggle, seconds: float) -> str:
    """Score a breaker named right: its points, and what is said of them."""
    expected = score.expected_boundary(named, drill.breakers[args.toggle])
    given = args.boundary.replace(" ", "") if args.boundary else None
    right_boundary = None if given is None else given == expected
    earned = score.points(right_boundary, drill.hints, drill.doctor)
    drill.answers.append(state.Answer(args.toggle, args.boundary, seconds, True, right_boundary, earned))
    where = {None: "no boundary given", True: "and the boundary", False: "but not the boundary"}
    return (
        f"yes: {args.toggle}, {where[right_boundary]}: {counted(earned, 'point')} after {seconds:.0f} s, "
        f"{counted(drill.hints, 'hint')}"
    )


def _left(drill: state.Drill) -> str:
    breakers, faults = (len(set(kind) - drill.found) for kind in (drill.breakers, drill.faults))
    if breakers:
        return f"{counted(breakers, 'more breaker')} to find"
    unnamed = f"; {counted(faults, 'fault')} not named yet ({score.FAULT} points each)" if faults else ""
    return f"every breaker found, so hints are free now{unnamed}: `tracebreak drill stop` records the score"


def reveal(args: argparse.Namespace) -> int:
    drill = current(args)
    print(f"the breakers: {', '.join(f'{n} ({v})' for n, v in drill.breakers.items())}")
    if drill.faults:
        print(f"the faults (incidents, nothing to fix in the tracing): {', '.join(drill.faults)}")
    for name in drill.breakers:
        named = toggle(name)
        print(f"read: {lab_page(named) or f'the lab on {name} in docs/labs/'}; the code: {named.where}")
    return 0


def status(args: argparse.Namespace) -> int:
    drill = current(args)
    found = [f"breakers found: {len(set(drill.breakers) & drill.found)} of {len(drill.breakers)}"]
    if drill.faults:
        found.append(f"faults named: {len(set(drill.faults) & drill.found)} of {len(drill.faults)}")
    print(f"{drill.trainee}: level {drill.level}, {time.time() - drill.started:.0f} s in, "
          f"{counted(drill.hints, 'hint')}{', the doctor unlocked' if drill.doctor else ''}; "
          f"{', '.join(found)}")  # fmt: skip
    return 0


def stop(args: argparse.Namespace) -> int:
    """End the load, turn every toggle off, add the drill to the scoreboard, forget it."""
    drill = current(args)
    if drill.load_pid:
        with contextlib.suppress(ProcessLookupError):  # it ended on its own
            os.killpg(drill.load_pid, signal.SIGTERM)  # its own session: the generator and no one else
    problems = chaos_command.reset_all(args.flags, args.envoy_admin)
    answers = [vars(a) for a in drill.answers]
    entry = {"trainee": drill.trainee, "level": drill.level, "seed": drill.seed,
             "breakers": drill.breakers, "faults": drill.faults, "hints": drill.hints,
             "free_hints": drill.free_hints, "doctor": drill.doctor, "answers": answers,
             "score": score.total(answers, len(drill.breakers), len(drill.faults))}  # fmt: skip
    board = state.record(folder(args), entry)
    (folder(args) / state.STATE).unlink()
    print(f"drill stopped, every toggle off{f' (Envoy: {problems[0]})' if problems else ''}.")
    print(f"score {entry['score']} of 100; the scoreboard: {board}")
    if args.json:
        print(json.dumps(entry))
    return 0


def add_parser(commands: argparse._SubParsersAction, flags_default: Path, admin_default: str) -> None:
    drill = commands.add_parser("drill", help="a diagnosis drill: a secret mix, hints, answers, a score")
    drill.add_argument("--flags", type=Path, default=flags_default, help=f"the flag file ({flags_default})")
    drill.add_argument("--envoy-admin", default=admin_default, help="Envoy's admin API")
    actions = drill.add_subparsers(dest="drill_action", required=True)
    begin = actions.add_parser("start", help="turn a secret mix on, start background load, print the page")
    begin.add_argument("--level", type=int, default=1, choices=sorted(mix.LEVELS))
    begin.add_argument("--seed", type=int, help="the same seed, the same mix")
    begin.add_argument("--trainee", default=os.environ.get("USER", "trainee"), help="for the scoreboard")
    begin.add_argument("--edge", default=endpoints.edge_url(), help="where the background load goes")
    begin.set_defaults(run=start)
    helped = actions.add_parser(
        "hint", help="the next step of the workflow (counted until every breaker is found)"
    )
    helped.add_argument(
        "--doctor", action="store_true", help="the last hint: the doctor speaks; caps the score"
    )
    helped.set_defaults(run=hint)
    said = actions.add_parser("answer", help="name a breaker (and the boundary FROM->TO), or a fault")
    said.add_argument("toggle")
    said.add_argument("--boundary", help="FROM->TO, e.g. service-a->service-b; or the one service")
    said.set_defaults(run=answer)
    actions.add_parser("reveal", help="the truth, and what to read").set_defaults(run=reveal)
    actions.add_parser("status", help="time, hints, how many found").set_defaults(run=status)
    ended = actions.add_parser("stop", help="every toggle off, the load stopped, the score recorded")
    ended.add_argument("--json", action="store_true", help="also print the scoreboard entry as JSON")
    ended.set_defaults(run=stop)
