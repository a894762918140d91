"""`tracebreak lint`: a static check of code against the Context Law (Extract, Process, Inject at
every boundary), on the ast and the Envoy YAML; nothing it reads is imported or run."""

from tracebreak.lint.engine import LintResult, check
from tracebreak.lint.registry import RULES, Finding, Rule

__all__ = ["RULES", "Finding", "LintResult", "Rule", "check"]
