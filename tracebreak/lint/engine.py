"""The check itself, in two passes: facts from every file (an instrumentor applied in one module
covers the others), then each file judged against the rules."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracebreak.lint import (
    baggage,
    clients,
    environment,
    exceptions,
    gateway,
    kafka,
    launch,
    logs,
    programs,
    propagators,
    tasks,
)
from tracebreak.lint.facts import Facts
from tracebreak.lint.registry import RULES, Finding
from tracebreak.lint.source import (
    Problem,
    PythonFile,
    SourceFile,
    Template,
    Unparsable,
    YamlFile,
    discover,
    load,
)
from tracebreak.lint.syntax import Hit

Checker = Callable[..., Iterable[Hit]]
PYTHON_CHECKS: tuple[Checker, ...] = (
    tasks.check,
    clients.check,
    kafka.check,
    propagators.check,
    logs.check,
    exceptions.check,
    baggage.check,
)
PYTHON_FACTS: tuple[Callable[[PythonFile], Facts], ...] = (
    propagators.collect,
    logs.collect,
    programs.collect,
)


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # files left out: unreadable or unparsable
    files: int = 0  # files checked


def facts_of(file: SourceFile) -> Facts:
    found = environment.collect(file)
    found.add(launch.collect(file))
    if isinstance(file, PythonFile):
        for collect in PYTHON_FACTS:
            found.add(collect(file))
    return found


def hits(file: SourceFile, facts: Facts) -> Iterable[Hit]:
    yield from environment.check(file, facts)
    if isinstance(file, PythonFile):
        for check_file in PYTHON_CHECKS:
            yield from check_file(file, facts)
    elif isinstance(file, YamlFile):
        yield from gateway.check(file, facts)


def findings(file: SourceFile, facts: Facts) -> list[Finding]:
    unique = {(hit.rule, hit.line, hit.column): hit for hit in hits(file, facts)}
    return [
        Finding(hit.rule, file.shown, hit.line, hit.column, hit.message, RULES[hit.rule].fix)
        for hit in unique.values()
        if not file.ignored(hit.rule, hit.line)
    ]


def check(paths: Sequence[Path], base: Path | None = None) -> LintResult:
    """Lint files and directories; paths in findings are relative to `base` (default: the working
    directory) when the file is under it. Raises FileNotFoundError for a path that does not exist."""
    base = base or Path.cwd()
    missing = [path for path in paths if not path.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(map(str, missing))}")
    result, files = LintResult(), []
    for path in discover(paths):
        try:
            files.append(load(path, base))
        except Unparsable as problem:
            result.problems.append(Problem(str(path), problem.line, str(problem)))
        except Template:
            continue
    facts = Facts()
    for file in files:
        facts.add(facts_of(file))
    for file in files:
        result.findings.extend(findings(file, facts))
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    result.files = len(files)
    return result
