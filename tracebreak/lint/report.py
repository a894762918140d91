"""A lint result as a terminal table, as JSON, or as SARIF 2.1.0 (what CI code scanning reads)."""

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from tracebreak import __version__
from tracebreak.lint.engine import LintResult
from tracebreak.lint.registry import RULES, Finding
from tracebreak.terminal import counted

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def summary(result: LintResult) -> str:
    return f"{counted(len(result.findings), 'finding')} in {counted(result.files, 'file')} checked"


def table(result: LintResult, console: Console) -> None:
    """One finding a block, as compilers and linters print them: readable at any terminal width."""
    for f in result.findings:
        console.print(f"[bold]{f.path}:{f.line}:{f.column}[/]  [red]{f.rule}[/] {RULES[f.rule].name}")
        console.print(f"  {f.message}.", highlight=False)
        console.print(f"  [bold]fix:[/] {f.fix}", highlight=False)
    console.print(summary(result))


def as_json(result: LintResult) -> str:
    findings = [{**vars(f), "name": RULES[f.rule].name} for f in result.findings]
    unparsed = [vars(problem) for problem in result.problems]
    return json.dumps({"findings": findings, "unparsed": unparsed, "files": result.files}, indent=2)


def _result(finding: Finding) -> dict[str, Any]:
    region = {"startLine": finding.line, "startColumn": finding.column}
    path = Path(finding.path)
    uri = path.as_uri() if path.is_absolute() else path.as_posix()  # relative inside the checkout
    location = {"artifactLocation": {"uri": uri}, "region": region}
    return {
        "ruleId": finding.rule,
        "level": "error",
        "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
        "locations": [{"physicalLocation": location}],
    }


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.story},
        "help": {"text": rule.fix},
        "properties": {"family": rule.family},
    }


def as_sarif(result: LintResult) -> str:
    driver = {
        "name": "tracebreak",
        "version": __version__,
        "rules": [_rule(rule_id) for rule_id in RULES],
    }
    notifications = [
        {"level": "error", "message": {"text": f"{p.path}: {p.message}"}} for p in result.problems
    ]
    run = {
        "tool": {"driver": driver},
        "results": [_result(f) for f in result.findings],
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
