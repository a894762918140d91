"""The labs' compose-only queries parse: every ```traceql and ```logql block in docs/labs/, checked with
Grafana's own Lezer grammars (tests/querysyntax/, pinned, installed with `npm ci`). Syntax only."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tests" / "querysyntax"
# Tempo's `nestedSetParent` intrinsic (-1 on a root span; the Trace integrity dashboard uses it too) is
# missing from @grafana/lezer-traceql 1.0.0's list of intrinsics: checked as `duration`, an intrinsic the
# grammar knows, so the rest of the query is still checked. The one name the check takes on trust.
UNKNOWN_TO_THE_GRAMMAR = {"nestedSetParent": "duration"}
FENCE = re.compile(r"^```(traceql|logql)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def queries() -> list[dict[str, str]]:
    found = []
    for page in sorted((ROOT / "docs" / "labs").glob("*.md")):
        for language, query in FENCE.findall(page.read_text()):
            for name, known in UNKNOWN_TO_THE_GRAMMAR.items():
                query = query.replace(name, known) if language == "traceql" else query
            found.append({"language": language, "query": query.strip(), "page": page.name})
    return found


def installed() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed (Debian: apt-get install -y nodejs npm)")
    if not (CHECKER / "node_modules" / "@grafana" / "lezer-traceql").is_dir():
        done = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=CHECKER,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            pytest.skip(f"npm ci could not install the grammars: {done.stderr.strip()[-300:]}")


def failures(batch: list[dict[str, str]]) -> list[dict]:
    done = subprocess.run(
        ["node", "check.mjs"],
        cwd=CHECKER,
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_labs_hold_traceql_and_logql():
    languages = {q["language"] for q in queries()}
    assert languages == {"traceql", "logql"}


def test_every_query_parses():
    installed()
    assert failures(queries()) == []


def test_the_checker_finds_a_broken_query():
    installed()
    broken = [
        {"language": "traceql", "query": '{ resource.service.name = "a" '},
        {"language": "logql", "query": '{service_name="a"} | trace_id ='},
    ]
    assert len(failures(broken)) == 2
