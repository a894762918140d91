"""`tracebreak lint`'s outputs and exit codes, run as a user runs it: JSON, SARIF 2.1.0 valid against
the official schema, ignore comments, and files that cannot be parsed."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from tracebreak.chaos.catalogue import CATALOGUE
from tracebreak.lint import RULES, check, docs
from tracebreak.lint.report import as_sarif

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "lint_fixtures"
WRONG = FIXTURES / "wrong" / "tb101_fresh_task.py"
RIGHT = FIXTURES / "right" / "tb101_copied_context.py"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())


def lint(*args: str | Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tracebreak.cli", "lint", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_json_names_each_finding_and_its_fix():
    run = lint(WRONG, "--format", "json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    first = report["findings"][0]
    assert set(first) == {"rule", "name", "path", "line", "column", "message", "fix"}
    assert (first["rule"], first["path"], first["line"]) == ("TB101", str(WRONG.relative_to(ROOT)), 15)
    assert first["fix"] == RULES["TB101"].fix
    assert report["unparsed"] == [] and report["files"] == 1


def test_sarif_is_valid_and_carries_the_findings():
    run = lint(FIXTURES / "wrong", "--format", "sarif")
    document = json.loads(run.stdout)
    jsonschema.validate(document, SCHEMA)
    tool = document["runs"][0]["tool"]["driver"]
    assert tool["name"] == "tracebreak" and [r["id"] for r in tool["rules"]] == list(RULES)
    results = document["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == set(RULES)
    location = results[0]["locations"][0]["physicalLocation"]
    assert not Path(location["artifactLocation"]["uri"]).is_absolute()
    assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_the_schema_rejects_a_broken_report():
    """The validation can fail: a result without its message is not SARIF."""
    document = json.loads(as_sarif(check([WRONG])))
    del document["runs"][0]["results"][0]["message"]
    try:
        jsonschema.validate(document, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted a result without a message")


def test_exit_codes():
    assert lint(RIGHT).returncode == 0
    assert lint(WRONG).returncode == 1
    missing = lint("no/such/dir")
    assert missing.returncode == 2 and "no/such/dir" in missing.stderr and "Traceback" not in missing.stderr


def test_an_unparsable_file_is_named_and_the_others_still_checked(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def handler(:\n    pass\n")
    alone = lint(broken)
    assert alone.returncode == 2 and f"{broken}:1" in alone.stderr and "Traceback" not in alone.stderr
    (tmp_path / "audit.py").write_text(WRONG.read_text())
    both = lint(tmp_path, "--format", "json")
    assert both.returncode == 1 and "broken.py:1" in both.stderr
    assert [f["rule"] for f in json.loads(both.stdout)["findings"]] == ["TB101", "TB101"]


def test_an_ignore_comment_accepts_a_finding_on_its_line(tmp_path):
    source = tmp_path / "audit.py"
    lines = WRONG.read_text().splitlines()
    lines[14] += "  # tracebreak: ignore[TB201, TB101] the audit must not join the request's trace"
    lines[18] += "  # tracebreak: ignore[TB201]"
    source.write_text("\n".join(lines) + "\n")
    result = check([source])
    assert [(f.rule, f.line) for f in result.findings] == [("TB101", 19)]


def test_the_table_and_the_output_file(tmp_path):
    out = tmp_path / "report.txt"
    run = lint(WRONG, "--output", out)
    assert run.returncode == 1 and run.stdout == ""
    text = out.read_text()
    assert "TB101" in text and "2 findings in 1 file checked" in text


def test_the_docs_page_is_what_the_rules_and_a_real_run_make():
    """docs/lint.md's rules table and example output: `make docs` regenerates them."""
    page = (ROOT / "docs" / "lint.md").read_text()
    assert docs.rendered(page) == page, "docs/lint.md is stale: run `make docs`"
    assert all(f"`{rule_id}`" in page for rule_id in RULES)
    # The page's run is over the services: one finding per breaker's WRONG branch.
    breakers = sum(t.kind == "breaker" for t in CATALOGUE)
    assert f"{breakers} findings in 41 files checked" in page


def test_the_readme_counts_the_rules_there_are():
    from tracebreak.mistakes import MISTAKES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"imports nothing: {len(MISTAKES)} rules, each with its line" in readme
