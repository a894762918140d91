"""Query parameters as Jaeger takes them (times in µs, durations as Go writes them, trace ids in hex),
and their errors answered as each API answers them: 400 for a bad parameter, 404 for nothing found."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.durations import MAX_INT64, parse_duration_us
from tracebreak.store import jaeger

Handler = Callable[[Request], Awaitable[Response]]
ErrorBody = Callable[[int, str], dict[str, Any]]  # an API's error JSON, from its status and message


def as_errors(handler: Handler, body: ErrorBody) -> Handler:
    """A handler whose ValueError is a 400 and whose LookupError is a 404, in the API's error JSON."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ValueError as problem:
            return JSONResponse(body(400, str(problem)), status_code=400)
        except LookupError as problem:
            return JSONResponse(body(404, str(problem)), status_code=404)

    return wrapped


def as_jaeger_errors(handler: Handler) -> Handler:
    return as_errors(handler, jaeger.error)


def routes_of(handlers: dict[str, Handler], body: ErrorBody) -> list[Route]:
    """An API's routes, each handler's errors answered in the API's error JSON."""
    return [Route(path, as_errors(handler, body)) for path, handler in handlers.items()]


def window(params: QueryParams, default_lookback_us: int) -> tuple[int, int]:
    """Start and end in µs, as Jaeger takes them: `end` (default now), and `start` or else `lookback`."""
    end_us = integer(params, "end", time.time_ns() // 1000)
    lookback = params.get("lookback")
    lookback_us = parse_duration_us(lookback) if lookback and lookback != "custom" else default_lookback_us
    start_us = integer(params, "start", max(0, end_us - lookback_us))
    if start_us > end_us:
        raise ValueError(f"parameter 'start' ({start_us}) is after 'end' ({end_us})")
    return start_us, end_us


def integer(params: QueryParams, name: str, default: int) -> int:
    text = params.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise ValueError(f"parameter {name!r} must be an integer, got {text!r}") from error
    if not 0 <= value <= MAX_INT64:
        raise ValueError(f"parameter {name!r} must be between 0 and 2^63-1, got {text!r}")
    return value


def hex_trace_id(text: str) -> str:
    """A trace id as the store keeps it: 32 lower-case hex digits, zero-padded (Jaeger accepts fewer)."""
    found = text.strip().lower()
    if not found or len(found) > 32 or any(c not in "0123456789abcdef" for c in found):
        raise ValueError(f"{text!r} is not a trace id: up to 32 hex digits")
    return found.rjust(32, "0")
