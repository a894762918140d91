"""The audit's judgement without a stack: the collector's tail sampling (item 6), and lint findings
weighed against the chaos toggles (a breaker's WRONG branch counts only while it is on)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tracebreak.audit import collector
from tracebreak.audit.checklist import SAMPLING, TASKS, Result
from tracebreak.audit.static import weigh
from tracebreak.lint import Finding, LintResult

ROOT = Path(__file__).resolve().parents[2]


def judged(path: Path | None) -> Result:
    return collector.judge(Result(SAMPLING, "PASS"), path)


def test_the_compose_collector_samples_at_the_tail_with_the_three_policies():
    result = judged(ROOT / "collector" / "config.yaml")
    assert result.status == "PASS", result.evidence
    assert "decision_wait 10s" in result.evidence[0]


def test_without_a_collector_item_6_is_skipped_and_says_why():
    result = judged(None)
    assert result.status == "SKIP" and "no collector runs on the local stack" in result.evidence[0]


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ("service: {pipelines: {traces: {processors: [batch]}}}", "has no tail_sampling processor"),
        (
            "processors: {tail_sampling: {policies: [{name: e, type: status_code}]}}\n"
            "service: {pipelines: {traces: {processors: [tail_sampling]}}}",
            "keeps no policy for latency (slow traces), probabilistic (a share of the rest)",
        ),
        ("processors: [unclosed", "cannot read"),
    ],
)
def test_a_collector_without_tail_sampling_fails_and_says_what_is_missing(tmp_path, config, said):
    path = tmp_path / "config.yaml"
    path.write_text(config)
    result = judged(path)
    assert result.status == "FAIL" and said in result.evidence[0] and result.boundaries == ["the collector"]


AUDIT_TASK = Finding("TB101", "services/service_a/audit.py", 29, 16, "a task in a fresh context", "fix")


def weighed(findings: list[Finding], toggles: dict | None, files: int = 3) -> Result:
    result = Result(TASKS, "PASS")
    weigh(result, LintResult(findings=findings, files=files), {"task", "executor"}, toggles)
    return result


def test_a_breakers_wrong_branch_counts_only_while_its_toggle_is_on():
    off = weighed([AUDIT_TASK], {"orphan-background-task": 0.0})
    assert off.status == "PASS" and "off (deliberate, not running)" in off.evidence[0]
    on = weighed([AUDIT_TASK], {"orphan-background-task": 0.3})
    assert on.status == "FAIL" and on.boundaries == ["service-a (background task)"]
    unknown = weighed([AUDIT_TASK], None)
    assert unknown.status == "PASS" and "state is unknown" in unknown.evidence[0]


def test_a_finding_anywhere_else_fails_the_item():
    elsewhere = Finding("TB202", "worker/jobs.py", 12, 4, "a thread without the context", "fix")
    result = weighed([elsewhere], {"orphan-background-task": 0.0})
    assert result.status == "FAIL" and result.boundaries == ["worker/jobs.py"]
    clean = weighed([], {})
    assert clean.status == "PASS" and clean.evidence == ["lint (executor, task): nothing found in 3 files"]
    assert weighed([], {}, files=1).evidence == ["lint (executor, task): nothing found in 1 file"]


def test_without_a_stack_it_says_so_and_exits_2():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    env = {**os.environ, "TRACEBREAK_EDGE_URL": f"http://127.0.0.1:{port}", "OTEL_SDK_DISABLED": "true"}
    command = [sys.executable, "-m", "tracebreak.cli", "audit"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    said = " ".join(result.stderr.split())
    assert result.returncode == 2 and f"cannot reach the edge at http://127.0.0.1:{port}" in said
    assert "Traceback" not in result.stderr
