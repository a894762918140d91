"""The `tracebreak` command, run as a user runs it: in a process of its own, its output captured."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def tracebreak(
    *args: str, env: Mapping[str, str] | None = None, timeout_s: float = 60
) -> subprocess.CompletedProcess[str]:
    """`tracebreak ARGS`, with `env` set over this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "tracebreak.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def tracebreak_with_flags(flags: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`tracebreak ARGS` reading and writing the chaos flag file `flags`."""
    return tracebreak(*args, env={"TRACEBREAK_FLAGS_FILE": str(flags)})
