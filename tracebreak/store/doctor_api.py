"""`GET /api/doctor`: the doctor's verdict over a window, judged from the store's database (doctor.py,
judges.py), as a drill or lab mode lets the asker see it."""

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.doctor import report
from tracebreak.drill import state as drill_state
from tracebreak.durations import parse_duration_us
from tracebreak.store.database import Database
from tracebreak.store.jaeger_api import database
from tracebreak.store.params import as_jaeger_errors, integer, window
from tracebreak.web.chaos_api import ChaosPanel
from tracebreak.web.lab_api import LabPanel

LOOKBACK_US = parse_duration_us(report.DEFAULT_SINCE)


def route() -> Route:
    return Route("/api/doctor", as_jaeger_errors(doctor))


async def doctor(request: Request) -> Response:
    """What `tracebreak doctor --json` prints. The window as for /api/traces (start and end in µs, or a
    lookback; 10m by default); `settle` (a duration, 6s by default) leaves the requests with younger
    spans pending. With `request` (an x-request-id), the verdict on that one request, whatever its
    age; with `limit`, on about the newest `limit` requests of the window (a page lists a screenful,
    not a day); with `began_after` (µs), on the requests that began then or later only. The web view's
    pages ask with `page=1`: in lab mode the verdicts they get are held until the trainee asks for one."""
    params, db = request.query_params, database(request)
    wanted = params.get("request")
    start_us, end_us = _request_window(db, wanted) if wanted else window(params, LOOKBACK_US)
    began = integer(params, "began_after", 0) or float("-inf")
    if params.get("limit"):
        start_us = db.newest_roots_from(start_us, end_us, integer(params, "limit", 0))
    settle = params.get("settle") or ("0s" if wanted else report.DEFAULT_SETTLE)
    settle_us, source = parse_duration_us(settle), str(request.base_url).rstrip("/")

    def judged() -> dict[str, Any]:
        reader = db.reader()  # a connection of its own: judging a long window must not stop ingest
        try:
            found = request.app.state.judges.judge(reader, start_us, end_us, settle_us, source, began)
        finally:
            reader.close()
        if wanted:
            found["requests"] = [r for r in found["requests"] if r["request_id"] == wanted]
        return _as_shown(request, found, page=bool(params.get("page")))

    return JSONResponse(await asyncio.to_thread(judged))


def _as_shown(request: Request, found: dict[str, Any], page: bool) -> dict[str, Any]:
    """Silent about signatures while a drill runs; a page's verdicts held in lab mode."""
    panel: ChaosPanel = request.app.state.panel
    if panel.flags and drill_state.silenced(panel.flags.parent):
        return drill_state.silence(found)
    lab: LabPanel = request.app.state.lab
    return lab.held(found) if page and lab.on() else found


def _request_window(db: Database, request_id: str) -> tuple[int, int]:
    """A second either side of the request's spans: its fragments and its neighbours' are in."""
    found = db.request_span_range(request_id)
    if found is None:
        raise LookupError(f"no span carries the request id {request_id!r}")
    return found[0] - 1_000_000, found[1] + 1_000_000
