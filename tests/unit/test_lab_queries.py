"""The labs' compose-only queries parse: every ```traceql and ```logql block in docs/labs/, checked with
Grafana's own Lezer grammars (tests/querysyntax/, pinned, installed with `npm ci`). Syntax only."""

import re
from pathlib import Path

from tests.support.npm_project import PROJECT, installed, node

ROOT = Path(__file__).resolve().parents[2]
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


def failures(batch: list[dict[str, str]]) -> list[dict]:
    return node("check.mjs", PROJECT, batch)


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
