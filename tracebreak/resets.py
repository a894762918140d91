"""The moment every toggle was last turned off together (`tracebreak chaos reset`, and the resets a
scenario or a drill starts with): from it a doctor's window is clean of earlier requests
(`tracebreak doctor --since reset`). Kept in a file beside the flag file, in microseconds."""

import json
import time
from datetime import datetime
from pathlib import Path

from tracebreak.chaos import flagfile

RESET = "chaos-reset.json"
SINCE_RESET = "reset"  # what `--since` takes for "from the last reset"
SINCE_RESET_FLAG = f"--since {SINCE_RESET}"


def record(folder: Path) -> int:
    """Now, as the last reset: every request sent from now on began after it."""
    moment_us = time.time_ns() // 1000
    flagfile.write(folder / RESET, {"reset_us": moment_us})
    return moment_us


def last(folder: Path) -> int:
    """The last reset's moment, or a one-line error saying how to record one."""
    path = folder / RESET
    try:
        moment_us = json.loads(path.read_text())["reset_us"]
    except FileNotFoundError:
        raise ValueError(
            f"no reset recorded in {folder}: run `tracebreak chaos reset`, then send the requests to judge"
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        moment_us = None
    if not isinstance(moment_us, int):
        raise ValueError(f"{path} holds no reset moment: `tracebreak chaos reset` writes it anew")
    return moment_us


def clock(moment_us: int) -> str:
    """The moment as the terminal shows times: local date and time to the second."""
    return datetime.fromtimestamp(moment_us / 1_000_000).strftime("%Y-%m-%d %H:%M:%S")
