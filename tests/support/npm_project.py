"""The npm project in tests/querysyntax/: Grafana's grammars for the labs' queries and Biome for the
web view's JavaScript, pinned in its package-lock.json. Tests that need it call `installed()`: it
skips them, saying why, where node or npm is missing, and runs `npm ci` where the pinned versions
are not the ones installed."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "querysyntax"
MISSING = "node and npm are not installed (Debian: apt-get install -y nodejs npm)"


def installed() -> Path:
    """The project's folder, its packages installed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(MISSING)
    if not _current():
        done = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            pytest.skip(f"npm ci could not install tests/querysyntax: {done.stderr.strip()[-300:]}")
    return PROJECT


def _current() -> bool:
    manifest = json.loads((PROJECT / "package.json").read_text())
    pinned = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    for name, version in pinned.items():
        found = PROJECT / "node_modules" / name / "package.json"
        if not found.is_file() or json.loads(found.read_text()).get("version") != version:
            return False
    return True


def node(script: str, folder: Path, document: Any) -> Any:
    """What a node script in `folder` answers, as JSON, to `document` on its standard input."""
    done = subprocess.run(
        ["node", script],
        cwd=folder,
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)
