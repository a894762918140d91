"""`tracebreak up`: the local stack in the foreground, until Ctrl-C or a part that dies."""

import argparse
import logging
import os
import shutil
import signal
import sys
import time
from dataclasses import fields
from pathlib import Path

from rich.console import Console

from tracebreak.demo import DEMO_TOKEN
from tracebreak.local.processes import StackError
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.local.supervisor import Supervisor
from tracebreak.runtime.ports import Ports
from tracebreak.runtime.settings import Settings
from tracebreak.store import schema

err = Console(stderr=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _config(args: argparse.Namespace) -> StackConfig:
    return StackConfig(
        ports=Ports(**{f.name: getattr(args, f"{f.name}_port") for f in fields(Ports)}),
        data_dir=args.data_dir,
        external_broker=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
        settings=Settings.from_env(),
    )


def _activate() -> str:
    """Where `tracebreak` is not on the PATH (`make demo` runs it from .venv/bin): how to put it there."""
    activate = Path(sys.executable).parent / "activate"
    if shutil.which("tracebreak") or not activate.exists():
        return ""
    shown = activate.relative_to(Path.cwd()) if activate.is_relative_to(Path.cwd()) else activate
    return f"in another terminal: source {shown}\n"


def _addresses(config: StackConfig, out: Console) -> None:
    out.print(f"  [bold]web view[/]         {config.query_url}/   (requests, traces, service graph, chaos)")
    out.print(f"  edge (Envoy)     {config.edge_url}/orders/42   (Authorization: Bearer {DEMO_TOKEN})")
    out.print(f"  trace query API  {config.query_url}/api/traces?service=service-a")
    out.print(f"  OTLP receiver    {config.otlp_url}/v1/traces")
    out.print(f"  Envoy admin      {config.edge_admin_url}/")
    out.print(f"  logs             {config.data_dir / 'logs'}/")
    try_it = "tracebreak request 42"
    if config.ports != Ports():
        try_it = (
            f"OTEL_EXPORTER_OTLP_ENDPOINT={config.otlp_url} tracebreak request 42"
            f" --edge {config.edge_url} --traces {config.query_url}"
        )
    out.print(f"\n{_activate()}try: {try_it}")
    out.print("then: tracebreak chaos on uninstrumented-client; tracebreak request; tracebreak doctor")
    out.print("(Ctrl-C stops everything)")


def _supervise(stack: Stack, out: Console) -> int:
    try:
        Supervisor(stack, lambda line: out.print(f"[yellow]{line}[/]")).watch()
    except StackError as error:
        err.print(f"[red]the local stack stopped:[/] {error}")
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the runner reports broker trouble itself
    config = _config(args)
    schema.check(config.database, "--data-dir")  # before anything starts: the store would refuse it
    stack = Stack(config)
    for sig in (signal.SIGINT, signal.SIGTERM):  # both stop the stack, even where SIGINT was ignored
        signal.signal(sig, _interrupt)
    out = Console()
    try:
        out.print("starting the local stack (broker, trace store, envoy, service-c, service-b, service-a)…")
        started = time.monotonic()
        stack.start(on_healthy=lambda name: out.print(f"  [green]✓[/] {name}"))
        out.print(f"ready in {time.monotonic() - started:.1f} s\n")
        _addresses(config, out)
        return _supervise(stack, out)
    except KeyboardInterrupt:
        out.print("\nstopping…")
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the stopping short
            signal.signal(sig, signal.SIG_IGN)
        stack.stop()


def add_parser(commands: argparse._SubParsersAction) -> None:
    local = StackConfig()
    up = commands.add_parser("up", help="run the local stack in the foreground (no Docker)")
    up.add_argument("--data-dir", type=Path, default=local.data_dir, help="logs, config, trace database")
    for f in fields(Ports):
        up.add_argument(Ports.flag(f.name), type=int, default=f.default, help=f"default {f.default}")
    up.set_defaults(run=run)
