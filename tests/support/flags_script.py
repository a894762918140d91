"""A script run in a process of its own against a flag file of its own (FLAGS, a Path, defined for
it): the flag reader is process-wide, so a test that opens it does so away from the test process."""

import subprocess
import sys
from pathlib import Path


def run_with_flags(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` with FLAGS set to a flag file in `folder`; it fails the test with the script's errors,
    and gives what it printed."""
    preamble = f"FLAGS = __import__('pathlib').Path({str(folder / 'flags.json')!r})\n"
    result = subprocess.run(
        [sys.executable, "-c", preamble + script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result
