"""The pages: one HTML shell for every page (the script draws it from the path) and the assets, all
from the package; the Content-Security-Policy lets nothing else in."""

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PAGES = ("/", "/request/{request_id}", "/trace/{trace_id}", "/graph", "/chaos")
# Scripts, styles, data: this origin only. A page opened from a trace link runs nothing from elsewhere.
POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"


async def shell(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": POLICY})


def routes() -> list[BaseRoute]:
    return [*(Route(path, shell) for path in PAGES), Mount("/static", StaticFiles(directory=STATIC))]
