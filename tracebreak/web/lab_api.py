"""Lab mode in the web view: the verdicts its pages are given are held (the boundaries and the
evidence stay, the signatures and the fixes go) until the trainee asks for one, a click that is
counted (tracebreak/lab); the ask changes the stack's state, so it is guarded as the chaos panel is."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.chaos import flagfile
from tracebreak.lab import mode
from tracebreak.web.chaos_api import failure
from tracebreak.web.guard import refusal

OFF = "lab mode needs the store started with --chaos-flags (the flag file, beside which it is kept)"
LONGEST_ID = 200
NAMING = ("signature", "fix")  # what a held finding leaves out


@dataclass(frozen=True)
class LabPanel:
    flags: Path | None = None
    allow_remote: bool = False

    def routes(self) -> list[Route]:
        return [Route("/api/lab/reveal/{request_id}", self.reveal, methods=["POST"])]

    def on(self) -> bool:
        return self.flags is not None and flagfile.lab_mode_on(self.flags)

    def held(self, found: dict[str, Any]) -> dict[str, Any]:
        """The doctor's verdicts as lab mode shows them: each broken one not yet asked for, held."""
        assert self.flags is not None, "lab mode is on only where the store knows the flag file"
        state = mode.LabMode.load(self.flags) or mode.LabMode()
        for verdict in found["requests"]:
            is_held = not verdict["whole"] and verdict["request_id"] not in state.revealed
            verdict["lab"] = {"held": is_held, "revealed": len(state.revealed)}
            if is_held:  # where the context was lost stays, for the page's marks; what names it goes
                where = [{k: v for k, v in f.items() if k not in NAMING} for f in verdict["findings"]]
                verdict.update(signatures=[], findings=where)
        found["totals"]["by_signature"] = {}
        found["lab"] = mode.HELD
        return found

    async def reveal(self, request: Request) -> Response:
        if self.flags is None:
            return failure(404, OFF)
        if (why := refusal(request, self.allow_remote)) is not None:
            return failure(403, why)
        request_id = request.path_params["request_id"]
        if len(request_id) > LONGEST_ID:
            return failure(400, f"a request id is at most {LONGEST_ID} characters")
        try:
            return JSONResponse({"data": {"revealed": mode.reveal(self.flags, request_id)}})
        except ValueError as error:
            return failure(409, str(error))
