"""A capture around one request the command sends itself, or around whatever flows for a while."""

import contextlib
import uuid
from pathlib import Path

import httpx

from services.service_a.client import RequestResult, send_traced
from tracebreak.endpoints import EdgeUnreachable
from tracebreak.wire import tshark
from tracebreak.wire.hops import Layout, RequestWire, group
from tracebreak.wire.packets import read

MARKER_HEADER = "x-tracebreak-wire"


MARKER_TIMEOUT_S = 10


class CaptureFailed(tshark.WireError):
    """The capture failed once the request had been sent (tshark said 'Capturing on' and then found
    it may not): what went wrong, and the request's answer."""

    def __init__(self, error: tshark.WireError, sent: RequestResult) -> None:
        super().__init__(str(error))
        self.sent = sent


def one_request(
    layout: Layout, interface: str, edge_url: str, order_id: str
) -> tuple[RequestResult, RequestWire | None]:
    """Send one traced request through the edge with the capture running: its hops."""
    with tshark.live(interface, layout.ports, layout.decode_as()) as running:
        try:
            result = send_traced(edge_url, order_id)
        except EdgeUnreachable as error:
            raise EdgeUnreachable(f"{error} (Or watch traffic others send with --listen.)") from error
        # The request's hops all come before its answer; a marker sent after it shows, once tshark
        # has printed it, that every packet before it has been decoded.
        marker = uuid.uuid4().hex
        _mark(f"{edge_url.rstrip('/')}{layout.health_path}", marker)
        running.wait_for(marker, MARKER_TIMEOUT_S)
        try:
            packets = running.stop()
        except tshark.WireError as error:
            raise CaptureFailed(error, result) from error
    return result, group(read(packets), layout).get(result.request_id or "")


def _mark(url: str, marker: str) -> None:
    # The marker only shortens the wait: without it the capture stops at the deadline.
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(url, headers={MARKER_HEADER: marker}, timeout=5)


def listen(layout: Layout, interface: str, seconds: float) -> dict[str, RequestWire]:
    """Whatever the stack carries for `seconds`, request by request (Ctrl-C stops it early)."""
    with tshark.live(interface, layout.ports, layout.decode_as(), seconds) as running:
        try:
            packets = running.stop(after_s=seconds + tshark.READY_TIMEOUT_S)
        except KeyboardInterrupt:
            packets = running.stop()
    return group(read(packets), layout)


def from_file(layout: Layout, path: str) -> dict[str, RequestWire]:
    """A capture made elsewhere (a container's network, a colleague's laptop), request by request."""
    return group(read(tshark.decode(Path(path), layout.decode_as())), layout)
