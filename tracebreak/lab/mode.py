"""Lab mode's state, a file beside the chaos flag file (on while it is there): the requests whose
verdict the trainee asked the web view for, each counted once, as a drill counts its hints."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tracebreak.chaos import flagfile

HELD = "lab mode: the verdict is held until you ask for it (`tracebreak lab off` shows them all)"


@dataclass
class LabMode:
    revealed: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, flags: Path) -> "LabMode | None":
        """The state, or None while lab mode is off."""
        path = flags.parent / flagfile.LAB_MODE
        try:
            document = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise ValueError(f"{path} is not lab mode's state ({error}); remove it to start afresh") from None
        revealed = document.get("revealed") if isinstance(document, dict) else None
        if not isinstance(revealed, list) or not all(isinstance(r, str) for r in revealed):
            raise ValueError(f"{path} is not lab mode's state (no list of revealed requests); remove it")
        return cls(revealed)

    def save(self, flags: Path) -> None:
        flagfile.write(flags.parent / flagfile.LAB_MODE, asdict(self))


def turn_on(flags: Path) -> LabMode:
    """On (already on: as it was, its count kept); the services stop announcing hits."""
    mode = LabMode.load(flags) or LabMode()
    mode.save(flags)
    flagfile.set_announce_hits(flags, False)
    return mode


def turn_off(flags: Path) -> LabMode | None:
    """Off, and what it had counted (None: it was not on); hits announced again unless a drill runs."""
    mode = LabMode.load(flags)
    if mode is not None:
        (flags.parent / flagfile.LAB_MODE).unlink()
        flagfile.set_announce_hits(flags, not flagfile.drill_running(flags))
    return mode


def reveal(flags: Path, request_id: str) -> int:
    """The trainee asked for this request's verdict: counted once; how many have been asked for."""
    mode = LabMode.load(flags)
    if mode is None:
        raise ValueError("lab mode is off: every verdict is shown")
    if request_id not in mode.revealed:
        mode.revealed.append(request_id)
        mode.save(flags)
    return len(mode.revealed)
