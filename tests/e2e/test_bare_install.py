"""`pip install tracebreak` without the demo: the working tree installed with no extras into an empty
venv (pip reaching the registry as usual, through its cache), its dependencies at the newest versions
their ranges allow or at the floors of the ranges. It holds a handful of distributions and none of the
cascade's; the doctor, lint and the pytest plugin run there, the doctor and lint answering as the full
install does; a command that needs the cascade names the extra to install, in one line."""

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.installs import NO_REGISTRY, ROOT, floors, fresh_venv, locked_versions, pip
from tests.support.spans import otlp_json, record_call

pytestmark = pytest.mark.registry
CASCADE = {"fastapi", "uvicorn", "grpcio", "aiokafka", "opentelemetry-sdk", "opentelemetry-instrumentation"}
LINTED = ROOT / "tests" / "unit" / "lint_fixtures" / "wrong" / "tb301_grpc_channel.py"
FULL = [sys.executable, "-m", "tracebreak.cli"]  # the install the tests run in, with every extra
CONNECTED, BROKEN = "rid-connected", "rid-broken"


@dataclass(frozen=True)
class Bare:
    python: Path
    distributions: list[str]  # what `pip list` names right after the install

    @property
    def tracebreak(self) -> list[str | Path]:
        return [self.python.parent / "tracebreak"]


@pytest.fixture(scope="module", params=["newest", "floors"])
def bare(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bare:
    python = fresh_venv(tmp_path_factory.mktemp(f"bare-{request.param}", numbered=False) / "venv")
    done = pip(python, "install", "--quiet", str(ROOT), *(floors() if request.param == "floors" else []))
    if done.returncode and (offline := NO_REGISTRY.search(done.stderr)):
        pytest.skip(f"the package registry cannot be reached: {offline[0]}")
    assert done.returncode == 0, done.stderr[-2000:]
    listed = pip(python, "list", "--format", "json", timeout_s=120)
    return Bare(python, sorted(item["name"].lower() for item in json.loads(listed.stdout)))


@pytest.fixture
def spans_file(tmp_path: Path) -> Path:
    """Real SDK spans as OTLP JSON lines, just recorded: a request carried from shop to stock, and one
    whose context was lost on the way."""
    file = tmp_path / "traces.jsonl"
    recorded = [record_call(rid, carried=rid == CONNECTED) for rid in (CONNECTED, BROKEN)]
    file.write_text("".join(json.dumps(otlp_json(spans)) + "\n" for spans in recorded))
    return file


def run(command: list[str | Path], *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # From a folder outside the working tree: the bare install's code comes from its site-packages.
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_bare_install_is_a_handful_of_distributions_and_none_of_the_cascade(bare, capsys):
    names = bare.distributions
    with capsys.disabled():
        print(
            f"\nthe bare install ({bare.python.parents[2].name}) holds {len(names)} distributions: {', '.join(names)}"
        )
    assert "tracebreak" in names and not CASCADE & set(names), names
    assert len(names) <= 20, names


@pytest.mark.parametrize("command", ["doctor", "lint"])
def test_the_doctor_and_lint_answer_help(bare, command, tmp_path):
    answer = run(bare.tracebreak, command, "--help", cwd=tmp_path)
    assert answer.returncode == 0 and answer.stdout.startswith(f"usage: tracebreak {command}"), answer.stderr


def test_lint_finds_what_the_full_install_finds(bare, tmp_path):
    (tmp_path / LINTED.name).write_text(LINTED.read_text())
    args = ("lint", "--format", "json", LINTED.name)
    bare_report, full_report = run(bare.tracebreak, *args, cwd=tmp_path), run(FULL, *args, cwd=tmp_path)
    assert "TB301" in bare_report.stdout, bare_report.stderr
    assert json.loads(bare_report.stdout) == json.loads(full_report.stdout)


def test_the_doctor_reads_an_otlp_file_to_the_full_installs_verdict(bare, spans_file):
    args = ("doctor", "--source", spans_file.name, "--settle", "0s", "--json", "--fail-on", "any")
    bare_verdict = run(bare.tracebreak, *args, cwd=spans_file.parent)
    full_verdict = run(FULL, *args, cwd=spans_file.parent)
    assert bare_verdict.returncode == 1, bare_verdict.stderr
    found = json.loads(bare_verdict.stdout)["requests"]
    assert {r["request_id"]: r["signatures"] for r in found} == {
        CONNECTED: [],
        BROKEN: ["context-dropped-in-transit"],
    }
    assert found == json.loads(full_verdict.stdout)["requests"]


def test_the_pytest_plugin_passes_a_connected_request_and_fails_a_broken_one(bare, spans_file):
    """As a user's suite runs it: pytest (the lock's) beside the bare install, nothing else."""
    done = pip(bare.python, "install", "--quiet", f"pytest=={locked_versions(['dev'])['pytest']}")
    assert done.returncode == 0, done.stderr[-2000:]
    (spans_file.parent / "test_user_suite.py").write_text(
        f'def test_connected(traces):\n    traces.assert_connected(request_id="{CONNECTED}", services={{"shop", "stock"}})\n\n\n'
        f'def test_broken(traces):\n    traces.assert_connected(request_id="{BROKEN}")\n'
    )  # fmt: skip
    suite = run([bare.python, "-m", "pytest", "-p", "no:cacheprovider"], "test_user_suite.py",
                f"--tracebreak-source={spans_file.name}", "--tracebreak-settle=0s", cwd=spans_file.parent)  # fmt: skip
    assert re.search(r"^1 failed, 1 passed", suite.stdout.splitlines()[-1].strip("= ")), suite.stdout[-3000:]
    assert f"request {BROKEN} is not one connected trace: 2 traces across shop, stock" in suite.stdout
    assert "context-dropped-in-transit at shop -> stock (HTTP)" in suite.stdout


def test_a_command_of_the_cascade_names_the_extra_in_one_line(bare, tmp_path):
    answer = run(bare.tracebreak, "store", "--help", cwd=tmp_path)
    assert answer.returncode == 2 and "Traceback" not in answer.stderr, answer.stderr
    assert re.fullmatch(
        r"error: tracebreak store needs .*: pip install 'tracebreak\[demo\]'\n", answer.stderr
    )
