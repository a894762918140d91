"""The image builds where trainees build it, linux/amd64 and linux/arm64 (Apple silicon), checked
against the registry without Docker: every package the image installs from the lock has a CPython
3.11 wheel for the platform, or is an sdist known to build with the toolchain the builder stage installs.

pip is the client: `--dry-run --report` gives the versions the build would pick; then, per platform,
those exact versions with `--only-binary=:all: --platform ...` name the ones without a wheel, one at a
time. No registry: skipped with pip's own message.
"""

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.support.installs import NO_REGISTRY, locked_versions

ROOT = Path(__file__).resolve().parents[2]
PINS = [f"{name}=={version}" for name, version in locked_versions(["cascade"]).items()]
PLATFORMS = {"linux/amd64": "x86_64", "linux/arm64": "aarch64"}
GLIBC_MINOR = 41  # Debian trixie, under the python:3.11-slim-trixie image: manylinux_2_41 and older
# Sdists known to build with a C compiler and the C library's and Python's headers alone (read and
# built here): hdrhistogram 0.10.8 is one C file and has no linux/aarch64 wheel.
C_ONLY_SDISTS = {"hdrhistogram"}
# A compiler from apt with --no-install-recommends builds C only with the C library's headers beside it.
C_TOOLCHAINS = ({"gcc", "libc6-dev"}, {"build-essential"})
NO_WHEEL = re.compile(r"No matching distribution found for ([A-Za-z0-9_.-]+)")


def stages(dockerfile: str) -> dict[str, str]:
    """Each stage's text by its name (the final stage as "final"), continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile)
    found: dict[str, str] = {}
    for block in re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]:
        header = block.splitlines()[0].split()
        found[header[2] if len(header) > 2 and header[1].lower() == "as" else "final"] = block
    return found


def apt_packages(stage: str) -> set[str]:
    installs = re.findall(r"apt-get\s+install\s+([^&;|\n]*)", stage)
    return {word.split("=")[0] for line in installs for word in line.split() if not word.startswith("-")}


def builds_c(stage: str) -> bool:
    return any(toolchain <= apt_packages(stage) for toolchain in C_TOOLCHAINS)


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pip",
        *args,
        "--retries",
        "1",
        "--timeout",
        "20",
        "--disable-pip-version-check",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode and (offline := NO_REGISTRY.search(result.stderr)):
        pytest.skip(f"the package registry cannot be reached: {offline[0]}")
    return result


@pytest.fixture(scope="module")
def install() -> dict[str, str]:
    """name -> version of every package the image would put in (the lock's, resolved by pip again)."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the image runs CPython 3.11: resolve its install with a 3.11 interpreter")
    result = pip("install", "--dry-run", "--ignore-installed", "--quiet", "--report", "-", *PINS)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)["install"]
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"] for item in report}


def without_wheel(versions: dict[str, str], arch: str) -> set[str]:
    """The packages, at these versions, that have no CPython 3.11 wheel for the platform."""
    flags = ["--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]
    for tag in [f"manylinux_2_{minor}_{arch}" for minor in range(17, GLIBC_MINOR + 1)] + [
        f"manylinux2014_{arch}"
    ]:
        flags += ["--platform", tag]
    left, missing = dict(versions), set()
    while True:
        pins = [f"{name}=={version}" for name, version in left.items()]
        result = pip("install", "--dry-run", "--ignore-installed", "--quiet", "--no-deps", *flags, *pins)
        if result.returncode == 0:
            return missing
        found = NO_WHEEL.search(result.stderr)
        assert found, result.stderr[-3000:]
        missing.add(canonicalize_name(found[1]))
        left.pop(canonicalize_name(found[1]))


@pytest.fixture(scope="module")
def gaps(install) -> dict[str, set[str]]:
    with ThreadPoolExecutor(len(PLATFORMS)) as pool:
        found = pool.map(lambda arch: without_wheel(install, arch), PLATFORMS.values())
        return dict(zip(PLATFORMS, found, strict=True))


def unbuildable(missing: set[str], dockerfile: str) -> list[str]:
    builder = stages(dockerfile)["builder"]
    return [
        f"{name} has no wheel: it needs a compiler the builder stage does not have"
        if name in C_ONLY_SDISTS
        else f"{name} has no wheel and is not known to build from its sdist: check what it compiles"
        for name in sorted(missing)
        if name not in C_ONLY_SDISTS or not builds_c(builder)
    ]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_package_of_the_image_installs_on_the_platform(gaps, platform):
    assert unbuildable(gaps[platform], (ROOT / "Dockerfile").read_text()) == [], platform


def test_without_the_builders_compiler_arm64_would_not_build(gaps):
    """The check can fail: the Dockerfile without gcc and libc6-dev in its builder stage."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("gcc libc6-dev", "ca-certificates")
    assert unbuildable(gaps["linux/amd64"], dockerfile) == []
    assert unbuildable(gaps["linux/arm64"], dockerfile) == [
        "hdrhistogram has no wheel: it needs a compiler the builder stage does not have"
    ]


def test_the_final_stage_has_no_compiler():
    final = stages((ROOT / "Dockerfile").read_text())["final"]
    assert not builds_c(final) and "gcc" not in apt_packages(final)
