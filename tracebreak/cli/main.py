"""The `tracebreak` command: up, request, trace, chaos, drill, lab, doctor, lint, wire, audit, load, store,
workshop."""

import argparse
import os
import signal
import sys
from pathlib import Path

from rich.console import Console

from loadgen import cli as load_cli
from services.service_a.client import EdgeUnreachable
from tracebreak import endpoints
from tracebreak.audit import command as audit_command
from tracebreak.chaos import command as chaos_command
from tracebreak.chaos.envoy_runtime import EnvoyAdminError
from tracebreak.cli import request, up
from tracebreak.cli.errors import UsageError
from tracebreak.doctor import report as doctor_report
from tracebreak.drill import command as drill_command
from tracebreak.lab import command as lab_command
from tracebreak.lint import command as lint_command
from tracebreak.local.processes import StackError
from tracebreak.local.stack import StackConfig
from tracebreak.runtime.settings import Settings
from tracebreak.store import server as store_server
from tracebreak.traces.query import QueryError
from tracebreak.wire import command as wire_command
from tracebreak.wire.tshark import WireError
from tracebreak.workshop import command as workshop_command

err = Console(stderr=True)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="tracebreak", description="A microservice cascade that breaks trace propagation on purpose."
    )
    commands = top.add_subparsers(dest="command", required=True)
    up.add_parser(commands)
    request.add_parsers(commands)
    flags = os.environ.get(Settings.variable("flags_file")) or StackConfig().flags_file
    chaos_command.add_parser(commands, Path(flags), endpoints.envoy_admin_url())
    drill_command.add_parser(commands, Path(flags), endpoints.envoy_admin_url())
    lab_command.add_parser(commands, Path(flags))
    doctor_report.add_parser(commands, endpoints.query_url())
    lint_command.add_parser(commands)
    audit_command.add_parser(commands, Path(flags))
    # The stack's folder, beside the flag file: the doctor and the audit stay silent about signatures
    # while a drill keeps its state there, and the doctor finds the last reset there (`--since reset`).
    for name in ("doctor", "audit"):
        commands.choices[name].set_defaults(data_folder=Path(flags).parent)
    load_cli.add_parser(commands)
    wire_command.add_parser(commands)
    workshop_command.add_parser(commands)
    store = commands.add_parser("store", help="run the embedded trace store alone")
    store_server.add_arguments(store)
    store.set_defaults(run=store_server.run)
    return top


def main(argv: list[str] | None = None) -> None:
    # Piped into `head`, end quietly when the reader stops reading, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = parser().parse_args(argv)
    try:
        sys.exit(args.run(args))
    # ValueError covers the settings', the flag file's and the toggles' own errors.
    except (UsageError, QueryError, EnvoyAdminError, WireError, EdgeUnreachable, ValueError) as error:
        # One line however long, piped or not: a reader's grep finds it whole.
        err.print(f"[red]error:[/] {error}", soft_wrap=True)
        sys.exit(2)
    except StackError as error:
        err.print(f"[red]the local stack did not start:[/] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
