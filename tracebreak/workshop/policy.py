"""checkov, the policy checker, on a room's objects as `kubectl kustomize` renders them. It lives in a
venv of its own (`make test` makes .venv-checkov from uv.lock's `policy` fork): its pins clash with the
project's.
"""

import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from tracebreak.workshop.render import ROOT

VENV = ROOT / ".venv-checkov"


def pin() -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    (requirement,) = extras["policy"]
    return requirement


def checkov() -> str | None:
    return shutil.which("checkov", path=str(VENV / "bin")) or shutil.which("checkov")


def check(manifest: Path) -> dict[str, Any]:
    """checkov's JSON report on one file of Kubernetes objects (skips with their written reasons)."""
    binary = checkov()
    if binary is None:
        raise RuntimeError(f"checkov is not installed: `make test` installs {pin()} in {VENV.name}")
    # --skip-download: checkov would fetch its guidelines from its vendor; the checks are all local.
    command = [
        binary,
        "--file",
        str(manifest),
        "--framework",
        "kubernetes",
        "--output",
        "json",
        "--skip-download",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    # checkov exits 1 when a check fails; its report says which.
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)
