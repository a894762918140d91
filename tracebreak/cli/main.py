"""The `tracebreak` command: up, request, trace, chaos, drill, lab, doctor, lint, wire, audit, load, store,
workshop."""

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.markup import escape

from tracebreak import endpoints
from tracebreak.chaos.envoy_runtime import EnvoyAdminError
from tracebreak.cli.errors import DEMO_EXTRA, UsageError, demo_lacking, needs_demo
from tracebreak.endpoints import EdgeUnreachable
from tracebreak.local.processes import StackError
from tracebreak.traces.query import QueryError
from tracebreak.wire.tshark import WireError

err = Console(stderr=True)
Commands = argparse._SubParsersAction


def _up(commands: Commands) -> None:
    from tracebreak.cli import up

    up.add_parser(commands)


def _request(commands: Commands) -> None:
    from tracebreak.cli import request

    request.add_parsers(commands)


def _chaos(commands: Commands) -> None:
    from tracebreak.chaos import command

    command.add_parser(commands, endpoints.flags_file(), endpoints.envoy_admin_url())


def _drill(commands: Commands) -> None:
    from tracebreak.drill import command

    command.add_parser(commands, endpoints.flags_file(), endpoints.envoy_admin_url())


def _lab(commands: Commands) -> None:
    from tracebreak.lab import command

    command.add_parser(commands, endpoints.flags_file())


def _doctor(commands: Commands) -> None:
    from tracebreak.doctor import report

    report.add_parser(commands, endpoints.query_url())
    _beside_the_flags(commands, "doctor")


def _lint(commands: Commands) -> None:
    from tracebreak.lint import command

    command.add_parser(commands)


def _audit(commands: Commands) -> None:
    from tracebreak.audit import command

    command.add_parser(commands, endpoints.flags_file())
    _beside_the_flags(commands, "audit")


def _load(commands: Commands) -> None:
    from loadgen import cli

    cli.add_parser(commands)


def _wire(commands: Commands) -> None:
    from tracebreak.wire import command

    command.add_parser(commands)


def _workshop(commands: Commands) -> None:
    from tracebreak.workshop import command

    command.add_parser(commands)


def _store(commands: Commands) -> None:
    from tracebreak.store import server

    store = commands.add_parser("store", help="run the embedded trace store alone")
    server.add_arguments(store)
    store.set_defaults(run=server.run)


def _beside_the_flags(commands: Commands, name: str) -> None:
    # The stack's folder, beside the flag file: the doctor and the audit stay silent about signatures
    # while a drill keeps its state there, and the doctor finds the last reset there (`--since reset`).
    commands.choices[name].set_defaults(data_folder=endpoints.flags_file().parent)


# The subcommands each function adds, in the order `--help` lists them. Each function imports its
# module when called, so a command loads only what it runs: the doctor and lint start without the
# demo's packages, and a command that needs them says which extra brings them.
COMMANDS: tuple[tuple[tuple[str, ...], Callable[[Commands], None]], ...] = (
    (("up",), _up),
    (("request", "trace"), _request),
    (("chaos",), _chaos),
    (("drill",), _drill),
    (("lab",), _lab),
    (("doctor",), _doctor),
    (("lint",), _lint),
    (("audit",), _audit),
    (("load",), _load),
    (("wire",), _wire),
    (("store",), _store),
    (("workshop",), _workshop),
)


def parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Every subcommand's parser; only the named one's where `argv` names a subcommand."""
    top = argparse.ArgumentParser(
        prog="tracebreak", description="A microservice cascade that breaks trace propagation on purpose."
    )
    commands = top.add_subparsers(dest="command", required=True)
    chosen = next((word for word in argv if not word.startswith("-")), None)
    for names, add in [entry for entry in COMMANDS if chosen in entry[0]] or COMMANDS:
        try:
            add(commands)
        except ImportError as missing:
            if not demo_lacking(missing):
                raise
            for name in names:
                _without_demo(commands, name, missing)
    return top


def _without_demo(commands: Commands, name: str, missing: ImportError) -> None:
    """A subcommand whose module needs the demo's packages, where they are not installed: whatever it
    is given, it answers with the extra to install."""

    def refuse(_: argparse.Namespace) -> int:
        raise needs_demo(name, missing)

    # No character starts an option here: `--help` and every flag are words it ignores.
    stub = commands.add_parser(name, add_help=False, prefix_chars="\0", help=f"needs the demo: {DEMO_EXTRA}")
    stub.add_argument("words", nargs="*")
    stub.set_defaults(run=refuse)


def run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except ImportError as missing:  # a command that imports the demo's packages only as it runs
        if not demo_lacking(missing):
            raise
        raise needs_demo(args.command, missing) from missing


def main(argv: list[str] | None = None) -> None:
    # Piped into `head`, end quietly when the reader stops reading, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    words = sys.argv[1:] if argv is None else argv
    args = parser(words).parse_args(words)
    try:
        sys.exit(run(args))
    # ValueError covers the settings', the flag file's and the toggles' own errors.
    except (UsageError, QueryError, EnvoyAdminError, WireError, EdgeUnreachable, ValueError) as error:
        # One line however long, piped or not: a reader's grep finds it whole.
        err.print(f"[red]error:[/] {escape(str(error))}", soft_wrap=True)
        sys.exit(2)
    except StackError as error:
        err.print(f"[red]the local stack did not start:[/] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
