"""What a lint run finds under a path, as (rule, line) pairs: every file of it read."""

from pathlib import Path

from tracebreak.lint import check


def found(path: Path) -> set[tuple[str, int]]:
    result = check([path])
    assert not result.problems
    return {(f.rule, f.line) for f in result.findings}
