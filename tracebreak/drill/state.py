"""A drill's state, in a file beside the chaos flag file (the stack's data folder), so it survives
the CLI exiting; and the scoreboard a host collects."""

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tracebreak.chaos.flagfile import DRILL_STATE

STATE = DRILL_STATE
SCOREBOARD = "scoreboard.json"


@dataclass
class Answer:
    toggle: str
    boundary: str | None
    seconds: float
    right: bool
    boundary_right: bool | None
    points: int


@dataclass
class Drill:
    trainee: str
    level: int
    seed: int
    breakers: dict[str, Any]
    faults: dict[str, Any]
    started: float = field(default_factory=time.time)
    hints: int = 0  # those that cost points: asked while a breaker was still to find
    free_hints: int = 0  # asked once every breaker was found
    doctor: bool = False  # the last hint spent: the doctor speaks, the score is capped
    answers: list[Answer] = field(default_factory=list)
    load_pid: int | None = None

    @property
    def toggles(self) -> dict[str, Any]:
        return {**self.breakers, **self.faults}

    @property
    def found(self) -> set[str]:
        """The breakers and faults named right."""
        return {a.toggle for a in self.answers if a.right}

    @property
    def solved(self) -> bool:
        """Every breaker found: nothing left to hide, no hint left to cost anything."""
        return set(self.breakers) <= self.found

    def save(self, folder: Path) -> None:
        (folder / STATE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> "Drill | None":
        path = folder / STATE
        if not path.exists():
            return None
        try:
            document = json.loads(path.read_text())
            answers = [Answer(**a) for a in document.pop("answers", [])]
            return cls(**document, answers=answers)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{path} is not a drill's state ({error}); remove it to start afresh") from error


SILENT = (
    "a drill is running: the doctor and `audit` judge nothing, and the web view's verdicts name no "
    "signature, until `tracebreak drill hint --doctor` or every breaker is found (traces, spans, logs "
    "and the wire are all there to read)"
)


def said_silent(folder: Path, as_json: bool) -> bool:
    """Print the silence and say so where a drill keeps the verdicts quiet (the doctor, `audit`)."""
    if not silenced(folder):
        return False
    print(json.dumps({"silenced": SILENT}) if as_json else SILENT)
    return True


def silence(found: dict[str, Any]) -> dict[str, Any]:
    """The doctor's verdicts (its JSON) without what names the answer, while a drill runs: whole or
    not, and the traces, stay; the signatures, findings and error origins go."""
    for verdict in found["requests"]:
        verdict.update(signatures=[], findings=[], error_origin=None)
    found["totals"]["by_signature"] = {}
    found["silenced"] = SILENT
    return found


def silenced(folder: Path) -> bool:
    """A drill above level 1 runs here, with its doctor hint not spent and a breaker still to find:
    verdicts stay silent about signatures."""
    try:
        drill = Drill.load(folder)
    except ValueError:
        return True  # a state file that cannot be read: keep quiet rather than give the answer away
    return drill is not None and drill.level > 1 and not drill.doctor and not drill.solved


def record(folder: Path, entry: dict[str, Any]) -> Path:
    """Add a finished drill to the scoreboard (a JSON list the host collects)."""
    path = folder / SCOREBOARD
    board = json.loads(path.read_text()) if path.exists() else []
    board.append(entry)
    path.write_text(json.dumps(board, indent=2))
    return path
