"""`tracebreak wire`: one traced request sent through the edge and every hop it crossed, decoded from
the wire (or, with --listen, whatever flows for a while; with --read, a capture made elsewhere)."""

import argparse
import json
from urllib.parse import urlsplit

from tracebreak import endpoints, terminal
from tracebreak.runtime.ports import DEFAULT as PORTS
from tracebreak.runtime.ports import Ports
from tracebreak.wire import render, session
from tracebreak.wire.hops import Layout, RequestWire
from tracebreak.wire.tshark import WireError


def add_parser(commands: argparse._SubParsersAction) -> None:
    wire = commands.add_parser(
        "wire", help="capture the stack's hops and show, per hop, whether trace context is on the wire"
    )
    wire.add_argument("--listen", action="store_true", help="show the traffic others send instead")
    wire.add_argument("--seconds", type=float, default=10, help="how long --listen captures (default 10)")
    wire.add_argument("--request-id", help="show only this request (its x-request-id)")
    wire.add_argument("--read", metavar="FILE", help="decode a capture file (pcap, pcapng) instead")
    add_stack_arguments(wire)
    wire.add_argument("--json", action="store_true", help="print one JSON object")
    wire.set_defaults(run=run)


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the stack is and where to capture it: shared with `tracebreak audit`."""
    parser.add_argument("--interface", default="lo", help="where to capture (default lo)")
    parser.add_argument("--edge", default=endpoints.edge_url(), help="the edge's URL; its port is the edge's")
    for name in ("service_a", "service_b", "broker"):
        parser.add_argument(Ports.flag(name), type=int, default=getattr(PORTS, name), dest=name)
    parser.add_argument("--order-id", default="42", help="the order the request asks for (default 42)")


def layout(args: argparse.Namespace) -> Layout:
    edge = urlsplit(args.edge).port or PORTS.edge
    return Layout(edge=edge, service_a=args.service_a, service_b=args.service_b, broker=args.broker)


def run(args: argparse.Namespace) -> int:
    if args.seconds <= 0:
        raise WireError(f"--seconds must be above 0, not {args.seconds}")
    wires = _observe(args, layout(args))
    if args.request_id:
        wires = [wire for wire in wires if wire.request_id == args.request_id]
    if args.json:
        print(json.dumps(render.document(wires)))
    else:
        _show(args, wires)
    return 0 if all(wire.whole for wire in wires) else 1


def _observe(args: argparse.Namespace, where: Layout) -> list[RequestWire]:
    if args.read:
        return list(session.from_file(where, args.read).values())
    if args.listen:
        return list(session.listen(where, args.interface, args.seconds).values())
    result, wire = session.one_request(where, args.interface, args.edge, args.order_id)
    if wire is None:
        raise WireError(
            f"the capture on {args.interface} saw none of request {result.request_id}'s hops: are the "
            f"stack's ports {where.ports} (edge, A, B, broker)? Give the others with --service-a-port, "
            "--service-b-port, --broker-port."
        )
    return [wire]


def _show(args: argparse.Namespace, wires: list[RequestWire]) -> None:
    out = terminal.console()
    if not wires:
        where = args.read or f"{args.interface} for {args.seconds:g} s"
        out.print(f"no request crossed the stack's ports in {where}")
    for wire in wires:
        render.draw(wire, out)
