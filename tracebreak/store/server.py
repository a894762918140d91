"""Runs the store's receiver and query API in one process, until SIGTERM or Ctrl-C."""

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from tracebreak.runtime.ports import DEFAULT as PORTS
from tracebreak.runtime.ports import taken
from tracebreak.runtime.signals import stop_requested
from tracebreak.store import schema
from tracebreak.store.database import Database, Retention
from tracebreak.store.ingest import DEFAULT_MAX_BODY, ingest_app
from tracebreak.store.query import query_app
from tracebreak.web.chaos_api import ChaosPanel

log = logging.getLogger("tracebreak.store")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Two servers share this process: it handles SIGTERM/SIGINT once, for both.
        yield


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--otlp-port", type=int, default=PORTS.otlp, help=f"OTLP/HTTP receiver port (default {PORTS.otlp})"
    )
    p.add_argument(
        "--query-port", type=int, default=PORTS.query, help=f"Jaeger query API port (default {PORTS.query})"
    )
    p.add_argument("--db", type=Path, default=Path(".tracebreak/traces.db"), help="SQLite file")
    p.add_argument("--max-spans", type=int, default=Retention.max_spans, help="spans kept at most")
    p.add_argument("--max-age", type=float, default=Retention.max_age_s / 3600, help="hours kept at most")
    p.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="largest OTLP body, in bytes")
    # The web view's chaos panel changes the stack: off unless the store is told where the toggles live.
    p.add_argument(
        "--chaos-flags", type=Path, help="the chaos flag file: turns the web view's chaos panel on"
    )
    p.add_argument("--envoy-admin", help="Envoy's admin API, for the panel's edge toggle")
    p.add_argument(
        "--chaos-allow-remote", action="store_true", help="let the panel answer clients beyond loopback"
    )


def panel(args: argparse.Namespace) -> ChaosPanel:
    return ChaosPanel(args.chaos_flags, args.envoy_admin, args.chaos_allow_remote)


async def serve(args: argparse.Namespace) -> None:
    args.db.parent.mkdir(parents=True, exist_ok=True)
    retention = Retention(max_spans=args.max_spans, max_logs=args.max_spans, max_age_s=args.max_age * 3600)
    db = Database(args.db, retention)
    # Uvicorn's own start and stop lines would come twice, once per server, alike: one line of ours says it.
    query = query_app(db, panel(args))
    servers = [
        _Server(
            uvicorn.Config(
                app, host=args.host, port=port, log_config=None, access_log=False, log_level="warning"
            )
        )
        for app, port in ((ingest_app(db, args.max_body), args.otlp_port), (query, args.query_port))
    ]
    log.info(
        "trace store: OTLP/HTTP on http://%s:%s, Jaeger query API on http://%s:%s, database %s",
        args.host, args.otlp_port, args.host, args.query_port, args.db,
    )  # fmt: skip
    try:
        tasks = [asyncio.create_task(server.serve()) for server in servers]
        stop = asyncio.create_task(stop_requested())
        # A server that cannot start (its port is taken) ends at once and takes the other with it.
        await asyncio.wait([*tasks, stop], return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks)
    finally:
        query.state.judges.close()  # the doctor's worker processes, if a long window started them
        db.close()
        log.info("trace store stopped")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        schema.check(args.db, "--db")
    except schema.SchemaError as error:
        log.error("trace store not started: %s", error)
        return 2
    for flag, port in (("--otlp-port", args.otlp_port), ("--query-port", args.query_port)):
        if problem := taken(port, args.host):
            log.error(
                "trace store not started: port %s is in use (%s); choose another with %s", port, problem, flag
            )
            return 1
    asyncio.run(serve(args))
    return 0


def main() -> None:
    """`python -m tracebreak.store`: the same as `tracebreak store`."""
    parser = argparse.ArgumentParser(
        prog="python -m tracebreak.store", description="the embedded trace store"
    )
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
