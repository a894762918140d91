"""The rules of the Context Law check: the mistakes of tracebreak.mistakes, by their stable ids (the
hundreds digit names the family), and what a check found."""

from dataclasses import dataclass

from tracebreak.mistakes import MISTAKES, Mistake

Rule = Mistake  # a rule finds one mistake, and is known by its id


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # relative to the working directory when the file is under it
    line: int
    column: int  # 1-based
    message: str
    fix: str


RULES: dict[str, Rule] = {mistake.id: mistake for mistake in MISTAKES}
