"""Installs of tracebreak into venvs of their own, as users and the image make them: from uv.lock (uv
exports the packages of some extras, pip installs each at its version, checked against its hash, as
the Makefile and the Dockerfile do), or bare from the working tree (`pip install .`, no extras)."""

import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"  # installed beside pytest by `make setup`
# What pip says when the package registry cannot be reached: a test that needs it skips, saying so.
NO_REGISTRY = re.compile(r"NewConnectionError|Failed to establish|Temporary failure in name resolution|"
                         r"Network is unreachable|ProxyError|Read timed out|ConnectTimeoutError")  # fmt: skip


def locked(extras: list[str]) -> str:
    """The lock's packages for tracebreak with these extras, as a pip requirements file with hashes."""
    flags = [word for extra in extras for word in ("--extra", extra)]
    export = subprocess.run(
        [UV, "export", "--locked", "--no-emit-project", "--no-header", "--quiet", *flags],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    return export.stdout


def locked_versions(extras: list[str]) -> dict[str, str]:
    """name -> version of each package the lock holds for these extras on this platform."""
    found = {}
    for line in locked(extras).splitlines():
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line.removesuffix("\\").strip())
            if requirement.marker is None or requirement.marker.evaluate():
                found[requirement.name] = str(requirement.specifier).removeprefix("==")
    return found


def fresh_venv(where: Path) -> Path:
    venv.create(where, with_pip=True)
    return where / "bin" / "python"


def pip(python: Path, *args: str, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout_s)


def install_locked(python: Path, extras: list[str], requirements: Path) -> None:
    """What the Dockerfile runs: the lock's packages for `extras`, hash-checked, then tracebreak alone."""
    requirements.write_text(locked(extras))
    for args in (["--require-hashes", "--no-deps", "-r", str(requirements)], ["--no-deps", str(ROOT)]):
        done = pip(python, "install", "--quiet", "--no-cache-dir", *args)
        assert done.returncode == 0, done.stderr[-2000:]


def floors() -> list[str]:
    """The core's dependencies at the floors of their ranges, as `name==floor`."""
    found = []
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        requirement = Requirement(line)
        [floor] = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        found.append(f"{requirement.name}=={floor}")
    return found
