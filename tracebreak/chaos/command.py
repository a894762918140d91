"""`tracebreak chaos list | on NAME | off NAME | reset`: flip the toggles of a running stack."""

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tracebreak import resets
from tracebreak.chaos import envoy_runtime, flagfile, scenarios
from tracebreak.chaos.catalogue import CATALOGUE, Toggle, toggle


def current(flags: Path, envoy_admin: str) -> dict[str, Any]:
    """Each toggle's value in force: from the flag file, or from Envoy's runtime (None: unknown)."""
    document = flagfile.read(flags)
    values: dict[str, Any] = {}
    for t in CATALOGUE:
        if t.envoy_runtime_key:
            try:
                values[t.name] = envoy_runtime.get_rate(envoy_admin, t.envoy_runtime_key)
            except envoy_runtime.EnvoyAdminError:
                values[t.name] = None  # unknown: Envoy is not running
        else:
            values[t.name] = flagfile.state(document, t)
    return values


def entry(t: Toggle, value: Any) -> dict[str, Any]:
    # `option`: what `chaos on` takes for it (rate, ms, service; none for a switch).
    described = {"value": value, "state": t.setting.describe(value), "option": t.setting.option}
    facts = {"kind": t.kind, "boundary": str(t.boundary), "where": t.where, "signature": t.signature}
    return {"name": t.name, **facts, "fix": t.fix, "story": t.story, **described}


def drill_running(args: argparse.Namespace) -> bool:
    return flagfile.drill_running(Path(args.flags))


def refuse_during_drill(args: argparse.Namespace) -> None:
    if drill_running(args):
        raise ValueError(f"{flagfile.DRILL_HIDDEN}; the drill's toggles are not to be changed by hand")


def list_toggles(args: argparse.Namespace) -> int:
    if drill_running(args):
        print(json.dumps({"drill": flagfile.DRILL_HIDDEN}) if args.json else flagfile.DRILL_HIDDEN)
        return 0
    values = current(args.flags, args.envoy_admin)
    if args.json:
        print(json.dumps([entry(t, values[t.name]) for t in CATALOGUE]))
        return 0
    table = Table(title=f"chaos toggles ({args.flags}, Envoy admin {args.envoy_admin})")
    for column in ("toggle", "kind", "state", "boundary", "where", "story"):
        table.add_column(column, overflow="fold")
    for t in CATALOGUE:
        state = t.setting.describe(values[t.name])
        table.add_row(
            t.name,
            t.kind,
            state,
            str(t.boundary),
            t.where,
            t.story,
            style="bold" if state.startswith("on") else "",
        )
    Console().print(table)
    return 0


def apply(flags: Path, envoy_admin: str, name: str, value: Any | None) -> None:
    """Set a toggle where it lives: the flag file, or Envoy's runtime. None turns it off."""
    t = toggle(name)
    if t.envoy_runtime_key:
        envoy_runtime.set_rate(envoy_admin, t.envoy_runtime_key, value)
    else:
        flagfile.set_toggle(flags, t.name, value)


def switch(args: argparse.Namespace) -> int:
    refuse_during_drill(args)
    t = toggle(args.name)
    value = t.parse(rate=args.rate, ms=args.ms, service=args.service) if args.command_name == "on" else None
    apply(args.flags, args.envoy_admin, t.name, value)
    print(f"{t.name}: {t.setting.describe(t.setting.off if value is None else value)}")
    return 0


def reset_all(flags: Path, envoy_admin: str) -> list[str]:
    """Every toggle off: the flag file, and Envoy's runtime (what could not be reached, said); the
    moment recorded, for `doctor --since reset`."""
    flagfile.write_defaults(flags)
    problems = []
    for t in CATALOGUE:
        if t.envoy_runtime_key:
            try:
                envoy_runtime.set_rate(envoy_admin, t.envoy_runtime_key, None)
            except envoy_runtime.EnvoyAdminError as error:
                problems.append(str(error))
    resets.record(flags.parent)
    return problems


def reset(args: argparse.Namespace) -> int:
    refuse_during_drill(args)
    problems = reset_all(args.flags, args.envoy_admin)
    print("every toggle off" + (f" in the flag file; Envoy: {problems[0]}" if problems else ""))
    moment = resets.clock(resets.last(args.flags.parent))
    print(f"clean from {moment}: `tracebreak doctor --since reset` judges only the requests sent from now on")
    return 0


def switch_scenario(args: argparse.Namespace) -> int:
    """`chaos scenario NAME`: every toggle off, then the scenario's on; `chaos scenario list`."""
    if args.scenario == "list":
        return list_scenarios(args)
    refuse_during_drill(args)
    chosen = scenarios.scenario(args.scenario)
    problems = reset_all(args.flags, args.envoy_admin)
    if problems:
        raise envoy_runtime.EnvoyAdminError(problems[0])
    for t, value in chosen.settings:
        apply(args.flags, args.envoy_admin, t.name, value)
    print(f"scenario {chosen.name} on. The page you got:\n{chosen.page}")
    return 0


def list_scenarios(args: argparse.Namespace) -> int:
    if args.json:
        found = [
            {"name": s.name, "page": s.page, "story": s.story, "toggles": s.toggles,
             "signatures": sorted(s.signatures)}
            for s in scenarios.SCENARIOS
        ]  # fmt: skip
        print(json.dumps(found))
        return 0
    table = Table(title="chaos scenarios (tracebreak chaos scenario NAME; reset turns it off)")
    for column in ("scenario", "the page", "toggles"):
        table.add_column(column, overflow="fold")
    for s in scenarios.SCENARIOS:
        table.add_row(s.name, s.page, ", ".join(f"{t.name} {t.setting.describe(v)}" for t, v in s.settings))
    Console().print(table)
    return 0


def add_parser(commands: argparse._SubParsersAction, flags_default: Path, admin_default: str) -> None:
    chaos = commands.add_parser("chaos", help="list and flip the chaos toggles")
    chaos.add_argument(
        "--flags", type=Path, default=flags_default, help=f"the flag file (default {flags_default})"
    )
    chaos.add_argument(
        "--envoy-admin", default=admin_default, help=f"Envoy's admin API (default {admin_default})"
    )
    actions = chaos.add_subparsers(dest="command_name", required=True)
    listing = actions.add_parser("list", help="each toggle's state, kind, boundary, file and story")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=list_toggles)
    on = actions.add_parser("on", help="turn a toggle on")
    on.add_argument("name")
    on.add_argument(
        "--rate", type=float, help="share of requests affected, above 0 and at most 1 (default 1)"
    )
    on.add_argument("--ms", type=int, help="milliseconds, for downstream-latency-ms (default 500)")
    on.add_argument("--service", help="service-a, service-b, service-c or all, for logs-without-trace-id")
    on.set_defaults(run=switch)
    off = actions.add_parser("off", help="turn a toggle off")
    off.add_argument("name")
    off.set_defaults(run=switch)
    actions.add_parser(
        "reset", help="turn every toggle off and record the moment (`tracebreak doctor --since reset`)"
    ).set_defaults(run=reset)
    scenario = actions.add_parser(
        "scenario", help="switch a scenario on (every other toggle off), or list them"
    )
    scenario.add_argument("scenario", help=f"list, or one of: {', '.join(scenarios.BY_NAME)}")
    scenario.add_argument("--json", action="store_true", help="with list: print JSON")
    scenario.set_defaults(run=switch_scenario)
