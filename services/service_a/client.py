"""The client callers use to reach service A through the edge (`tracebreak request`, the tests):
one traced request, as a real client would send it."""

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from opentelemetry import trace

from tracebreak.demo import DEMO_TOKEN
from tracebreak.endpoints import EdgeUnreachable
from tracebreak.runtime import telemetry
from tracebreak.runtime.correlation import REQUEST_ID_HEADER

tracer = trace.get_tracer("tracebreak.client")


@dataclass(frozen=True)
class RequestResult:
    status: int
    trace_id: str
    request_id: str | None
    body: Any
    chaos_route: str | None = None  # Envoy's mark on a response its chaos route shaped


async def request_order(
    edge_url: str, order_id: str, token: str = DEMO_TOKEN, timeout_s: float = 30
) -> RequestResult:
    """GET /orders/{order_id} under a root span of its own; the httpx instrumentation adds the
    CLIENT span and injects its context into the request headers."""
    with tracer.start_as_current_span("request order", attributes={"order.id": order_id}) as root:
        async with httpx.AsyncClient(timeout=timeout_s) as http:
            response = await http.get(
                f"{edge_url.rstrip('/')}/orders/{quote(order_id, safe='')}",
                headers={"authorization": f"Bearer {token}"},
            )
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return RequestResult(
            status=response.status_code,
            trace_id=format(root.get_span_context().trace_id, "032x"),
            request_id=response.headers.get(REQUEST_ID_HEADER),
            body=body,
            chaos_route=response.headers.get("x-tracebreak-chaos"),
        )


async def traced_request(edge_url: str, order_id: str, token: str = DEMO_TOKEN) -> RequestResult:
    """One request from a traced client process (service tracebreak-client), its spans exported
    before it returns. Raises httpx.HTTPError when the edge cannot be reached."""
    tel = telemetry.setup_client()
    try:
        return await request_order(edge_url, order_id, token)
    finally:
        await tel.shutdown()  # the client's own spans must reach the store before the trace is read


def send_traced(edge_url: str, order_id: str, token: str = DEMO_TOKEN) -> RequestResult:
    """`traced_request` from synchronous code (the CLI's commands); EdgeUnreachable, with what to do,
    when the edge cannot be reached."""
    try:
        return asyncio.run(traced_request(edge_url, order_id, token))
    except httpx.HTTPError as error:
        raise EdgeUnreachable(
            f"cannot reach the edge at {edge_url}: {error.__class__.__name__}. Is `tracebreak up` running?"
        ) from error
