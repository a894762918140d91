"""`POST /test`: the service-under-test contract of the W3C trace-context conformance suite
(github.com/w3c/trace-context, test/). The suite posts `[{"url": ..., "arguments": [...]}]`; A calls
each url in turn with the arguments as its JSON body, carrying the trace context of the request it
is handling: Extract (the FastAPI instrumentation), Process, Inject (the httpx instrumentation).

It makes outbound calls on request, so it is off unless TRACEBREAK_CONFORMANCE_ENDPOINT is true,
calls loopback addresses only (anything else would make it a request-forgery relay), and refuses
requests a browser sends from another site.
"""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.service_a import errors

CALL_TIMEOUT_S = 5


class Case(BaseModel):
    url: str
    arguments: list[Any] = []


def loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False  # a name other than localhost could resolve anywhere


def cross_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return request.headers.get("sec-fetch-site") == "cross-site" or (
        origin is not None and not loopback(origin)
    )


router = APIRouter()


@router.post("/test", responses={400: {"model": errors.ErrorBody}, 403: {"model": errors.ErrorBody}})
async def test(cases: list[Case], request: Request) -> JSONResponse:
    if cross_site(request):
        return errors.response(403, "cross_site", "the conformance endpoint answers same-site requests only")
    if refused := [case.url for case in cases if not loopback(case.url)]:
        return errors.response(
            400, "not_loopback", f"callbacks must be loopback http(s) urls; refused: {refused}"
        )
    try:
        async with httpx.AsyncClient(timeout=CALL_TIMEOUT_S) as http:
            for case in cases:
                await http.post(case.url, json=case.arguments)
    except httpx.HTTPError as error:
        return errors.response(502, "callback_failed", f"{error.__class__.__name__}: {error}")
    return JSONResponse({"called": len(cases)})
