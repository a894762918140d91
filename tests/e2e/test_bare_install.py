"""`pip install tracebreak` without the demo: the working tree installed with no extras into an empty
venv (pip reaching the registry as usual, through its cache) gives the doctor and lint, on a handful
of distributions and none of the cascade's, with the same verdicts as the full install; a command
that needs the cascade names the extra to install, in one line."""

import json
import re
import subprocess
import sys
from pathlib import Path
from time import time_ns

import pytest

from tests.support.installs import NO_REGISTRY, ROOT, floors, fresh_venv, pip

pytestmark = pytest.mark.registry
CASCADE = {"fastapi", "uvicorn", "grpcio", "aiokafka", "opentelemetry-sdk", "opentelemetry-instrumentation"}
LINTED = ROOT / "tests" / "unit" / "lint_fixtures" / "wrong" / "tb301_grpc_channel.py"
TRACE_A, TRACE_B = "5b8efff798038103d269b633813fc60c", "6c9f00a8a9149214e37ac744924fd71d"


@pytest.fixture(scope="module", params=["newest", "floors"])
def bare(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `tracebreak` script of a venv holding the bare install alone: its dependencies at the newest
    versions their ranges allow, or at the floors of the ranges."""
    python = fresh_venv(tmp_path_factory.mktemp(f"bare-{request.param}", numbered=False) / "venv")
    done = pip(python, "install", "--quiet", str(ROOT), *(floors() if request.param == "floors" else []))
    if done.returncode and (offline := NO_REGISTRY.search(done.stderr)):
        pytest.skip(f"the package registry cannot be reached: {offline[0]}")
    assert done.returncode == 0, done.stderr[-2000:]
    return python.parent / "tracebreak"


def distributions(script: Path) -> list[str]:
    listed = pip(script.parent / "python", "list", "--format", "json", timeout_s=120)
    return sorted(item["name"].lower() for item in json.loads(listed.stdout))


def run(command: list[str | Path], *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # From a folder outside the working tree: the bare install's code comes from its site-packages.
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


FULL = [sys.executable, "-m", "tracebreak.cli"]  # the install the tests run in, with every extra


def test_the_bare_install_is_a_handful_of_distributions_and_none_of_the_cascade(bare, capsys):
    names = distributions(bare)
    with capsys.disabled():
        print(
            f"\nthe bare install ({bare.parents[2].name}) holds {len(names)} distributions: {', '.join(names)}"
        )
    assert "tracebreak" in names and not CASCADE & set(names), names
    assert len(names) <= 20, names


@pytest.mark.parametrize("command", ["doctor", "lint"])
def test_the_doctor_and_lint_answer_help(bare, command, tmp_path):
    answer = run([bare], command, "--help", cwd=tmp_path)
    assert answer.returncode == 0 and answer.stdout.startswith(f"usage: tracebreak {command}"), answer.stderr


def test_lint_finds_what_the_full_install_finds(bare, tmp_path):
    (tmp_path / LINTED.name).write_text(LINTED.read_text())
    args = ("lint", "--format", "json", LINTED.name)
    bare_report, full_report = run([bare], *args, cwd=tmp_path), run(FULL, *args, cwd=tmp_path)
    assert "TB301" in bare_report.stdout, bare_report.stderr
    assert json.loads(bare_report.stdout) == json.loads(full_report.stdout)


def test_the_doctor_reads_an_otlp_file_to_the_full_installs_verdict(bare, tmp_path):
    """A request whose call from service-a reached service-b in a trace of its own."""
    (tmp_path / "traces.jsonl").write_text(otlp_lines())
    args = ("doctor", "--source", "traces.jsonl", "--json", "--fail-on", "any")
    bare_verdict, full_verdict = run([bare], *args, cwd=tmp_path), run(FULL, *args, cwd=tmp_path)
    assert bare_verdict.returncode == 1, bare_verdict.stderr
    found = json.loads(bare_verdict.stdout)
    assert [(r["request_id"], r["trace_ids"], r["signatures"]) for r in found["requests"]] == [
        ("req-1", [TRACE_A, TRACE_B], ["context-dropped-in-transit"])
    ]
    assert found["requests"] == json.loads(full_verdict.stdout)["requests"]


def test_a_command_of_the_cascade_names_the_extra_in_one_line(bare, tmp_path):
    answer = run([bare], "store", "--help", cwd=tmp_path)
    assert answer.returncode == 2 and "Traceback" not in answer.stderr, answer.stderr
    assert re.fullmatch(
        r"error: tracebreak store needs .*: pip install 'tracebreak\[demo\]'\n", answer.stderr
    )


def otlp_lines() -> str:
    """Two OTLP JSON lines, as the Collector's file exporter writes them: service-a's SERVER span and its
    CLIENT call in one trace, service-b's SERVER span for that call in another, a minute ago."""
    start_ns = time_ns() - 60_000_000_000

    def span(trace: str, span_id: str, parent: str, name: str, kind: int, offset_ns: int) -> dict:
        return {
            "traceId": trace, "spanId": span_id, "parentSpanId": parent, "name": name, "kind": kind,
            "startTimeUnixNano": str(start_ns + offset_ns), "endTimeUnixNano": str(start_ns + offset_ns + 2_000_000),
            "attributes": [{"key": "guid:x-request-id", "value": {"stringValue": "req-1"}}],
        }  # fmt: skip

    def line(service: str, *spans: dict) -> str:
        resource = {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
        return json.dumps({"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": list(spans)}]}]})

    server, call = "eee19b7ec3c1b174", "eee19b7ec3c1b173"
    return "\n".join([
        line("service-a", span(TRACE_A, server, "", "GET /orders/{order_id}", 2, 0),
             span(TRACE_A, call, server, "/auth.Auth/Authorize", 3, 100_000)),
        line("service-b", span(TRACE_B, "fff19b7ec3c1b172", "", "/auth.Auth/Authorize", 2, 200_000)),
    ]) + "\n"  # fmt: skip
