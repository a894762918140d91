"""The score of an answer, and of a drill."""

from typing import Any

from tracebreak.chaos.catalogue import Toggle
from tracebreak.chaos.setting import SERVICE

FOUND, BOUNDARY, PER_HINT, FLOOR, CAP = 70, 30, 10, 20, 50
# A fault named: part of the incident, not the tracing bug the drill is about. It is worth a fifth of
# an unaided breaker, whatever the boundary, the hints or the doctor (which names no fault).
FAULT = 20


def expected_boundary(toggle: Toggle, value: Any) -> str:
    """The boundary an answer names: `from->to`, or the one service (the one a service toggle chose)."""
    if toggle.setting is SERVICE:
        return str(value)
    return toggle.boundary.place.replace(" ", "")


def points(boundary_right: bool | None, hints: int, doctor: bool) -> int:
    found = FOUND + (BOUNDARY if boundary_right else 0)
    scored = max(FLOOR, found - PER_HINT * hints)
    return min(scored, CAP) if doctor else scored


def total(answers: list[dict[str, Any]], breakers: int, faults: int) -> int:
    """Out of 100: the right answers' points over what naming every breaker, unaided, with its
    boundary, and every fault would earn."""
    earned = sum(a["points"] for a in answers if a["right"])
    best = (FOUND + BOUNDARY) * breakers + FAULT * faults
    return round(100 * earned / best) if best else 0
