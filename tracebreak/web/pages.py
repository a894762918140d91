"""The pages: one HTML shell for every page (the script draws it from the path), the assets, all
from the package, and /api/config, the names the script would otherwise write down (the request
id's, the services'). The Content-Security-Policy lets nothing else in."""

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from tracebreak import join_key
from tracebreak.demo import SERVICES

STATIC = Path(__file__).parent / "static"
# A browser runs a module script only when it comes as JavaScript; Python's own table says
# application/javascript and the system's may say anything, so .js is said the one way (RFC 9239).
mimetypes.add_type("text/javascript", ".js")
PAGES = ("/", "/request/{request_id}", "/trace/{trace_id}", "/graph", "/chaos")
# Scripts, styles, data: this origin only. A page opened from a trace link runs nothing from elsewhere.
POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
CONFIG = {
    "request_id": {
        "span_keys": list(join_key.SPAN_KEYS),
        "log_attribute": join_key.LOG_ATTRIBUTE,
    },
    "services": list(SERVICES),
}


async def shell(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": POLICY})


async def config(request: Request) -> Response:
    return JSONResponse({"data": CONFIG})  # Jaeger's envelope, as the rest of the API answers


def routes() -> list[BaseRoute]:
    return [
        *(Route(path, shell) for path in PAGES),
        Route("/api/config", config),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
