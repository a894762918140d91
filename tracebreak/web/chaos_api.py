"""The chaos panel's API: the toggles as `tracebreak chaos list --json` shows them, and a switch that
goes through the same code as `tracebreak chaos on/off`."""

import json
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.chaos import command as chaos_command
from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import CATALOGUE, toggle, where_line
from tracebreak.chaos.envoy_runtime import EnvoyAdminError
from tracebreak.web.guard import refusal

OPTIONS = ("rate", "ms", "service")
OFF = "the chaos panel is off: the store was started without --chaos-flags and --envoy-admin"


@dataclass(frozen=True)
class ChaosPanel:
    """Where the stack's toggles live. The panel is off (404) unless the store was given them."""

    flags: Path | None = None
    envoy_admin: str | None = None
    allow_remote: bool = False

    def routes(self) -> list[Route]:
        return [Route("/api/chaos", self.listing), Route("/api/chaos/{name}", self.switch, methods=["POST"])]

    def _where(self) -> tuple[Path, str] | None:
        return None if self.flags is None or self.envoy_admin is None else (self.flags, self.envoy_admin)

    def _drill(self) -> Response | None:
        if self.flags is not None and flagfile.drill_running(self.flags):
            return failure(403, flagfile.DRILL_HIDDEN)
        return None

    async def listing(self, request: Request) -> Response:
        if (where := self._where()) is None:
            return failure(404, OFF)
        if (drilling := self._drill()) is not None:
            return drilling
        values = chaos_command.current(*where)
        # `default`: what `chaos on` sets when its option is not given, the panel's first value.
        entries = [
            {
                **chaos_command.entry(t, values[t.name]),
                "line": where_line(t),
                "default": t.setting.check(None),
            }
            for t in CATALOGUE
        ]
        return JSONResponse({"data": entries})

    async def switch(self, request: Request) -> Response:
        if (where := self._where()) is None:
            return failure(404, OFF)
        if (why := refusal(request, self.allow_remote)) is not None:
            return failure(403, why)
        if (drilling := self._drill()) is not None:
            return drilling
        try:
            body = json.loads(await request.body() or b"{}")
            t = toggle(request.path_params["name"])
            value = t.parse(**{o: body.get(o) for o in OPTIONS}) if body.get("on") else None
            chaos_command.apply(*where, t.name, value)
        except (ValueError, AttributeError) as error:
            return failure(400, str(error))
        except EnvoyAdminError as error:
            return failure(502, str(error))
        return JSONResponse({"data": chaos_command.entry(t, t.setting.off if value is None else value)})


def failure(status: int, message: str) -> Response:
    """Jaeger's error shape, as the rest of the API answers."""
    return JSONResponse({"data": None, "errors": [{"code": status, "msg": message}]}, status_code=status)
