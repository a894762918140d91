"""Lint findings as audit evidence. In tracebreak's own services every breaker's WRONG branch is a
finding by design: it counts against the stack only while its chaos toggle is on."""

from typing import Any

from tracebreak.audit.checklist import Result
from tracebreak.chaos.catalogue import CATALOGUE, Toggle
from tracebreak.lint import RULES, Finding, LintResult
from tracebreak.terminal import counted


def gate(finding: Finding) -> Toggle | None:
    """The breaker whose WRONG branch this finding is, if it is one."""
    return next((t for t in CATALOGUE if t.where == finding.path and t.lint_rule == finding.rule), None)


def weigh(
    result: Result, lint: LintResult | None, families: set[str], toggles: dict[str, Any] | None
) -> None:
    """Add the findings of these rule families to `result`: a live one fails it."""
    if lint is None:
        return
    found = [f for f in lint.findings if RULES[f.rule].family in families]
    for finding in found:
        where = f"{finding.path}:{finding.line} {finding.rule}"
        toggle = gate(finding)
        if toggle is None:
            result.fail(f"{where}: {finding.message}", finding.path)
            continue
        value = (toggles or {}).get(toggle.name)
        if value is None:
            result.evidence.append(f"{where}: the WRONG branch of {toggle.name}, whose state is unknown")
        elif value != toggle.setting.off:
            result.fail(
                f"{where}: the WRONG branch of {toggle.name}, which is on: it runs", str(toggle.boundary)
            )
        else:
            result.evidence.append(
                f"{where}: the WRONG branch of {toggle.name}, off (deliberate, not running)"
            )
    if not found:
        names = ", ".join(sorted(families))
        result.evidence.append(f"lint ({names}): nothing found in {counted(lint.files, 'file')}")
