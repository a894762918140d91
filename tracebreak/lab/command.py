"""`tracebreak lab on | off | status`: lab mode, for working through the labs (docs/labs/)."""

import argparse
from pathlib import Path

from tracebreak.chaos import flagfile
from tracebreak.lab import mode
from tracebreak.terminal import counted

ON = (
    "lab mode on: the web view draws each request's fragments, marks and logs, and holds the doctor's"
    " verdict (signature and fix) until you ask for it, counting each one you ask for; the services"
    " keep quiet about which toggle hit a request. `tracebreak lab off` ends it."
)


def asked(state: mode.LabMode) -> str:
    return f"{counted(len(state.revealed), 'verdict')} shown on asking"


def turn_on(args: argparse.Namespace) -> int:
    state = mode.turn_on(args.flags)
    print(ON + (f" (it was on already: {asked(state)})" if state.revealed else ""))
    return 0


def turn_off(args: argparse.Namespace) -> int:
    state = mode.turn_off(args.flags)
    if state is None:
        print("lab mode was not on")
        return 0
    quiet = " (once the drill that runs here stops)" if flagfile.drill_running(args.flags) else ""
    print(f"lab mode off, {asked(state)}: the web view shows every verdict, hits are announced{quiet}")
    return 0


def status(args: argparse.Namespace) -> int:
    state = mode.LabMode.load(args.flags)
    print("lab mode off" if state is None else f"lab mode on: {asked(state)}")
    return 0


def add_parser(commands: argparse._SubParsersAction, flags_default: Path) -> None:
    lab = commands.add_parser(
        "lab", help="lab mode: the web view holds each verdict until asked; no toggle hits announced"
    )
    lab.add_argument("--flags", type=Path, default=flags_default, help=f"the flag file ({flags_default})")
    actions = lab.add_subparsers(dest="lab_action", required=True)
    for name, run, said in (
        ("on", turn_on, "hold the web view's verdicts until asked (counted); announce no hits"),
        ("off", turn_off, "show every verdict, announce hits again"),
        ("status", status, "on or off, and how many verdicts were asked for"),
    ):
        actions.add_parser(name, help=said).set_defaults(run=run)
