"""docs/lint.md's rules table and its example output, generated so they cannot drift: the table from
RULES, the example from a real run over tracebreak's own services.

`python -m tracebreak.lint.docs` rewrites the parts of the page between the markers; a unit test fails
when the page and what this makes disagree.
"""

import io
from pathlib import Path

from rich.console import Console

from tracebreak.lint.engine import check
from tracebreak.lint.registry import RULES
from tracebreak.lint.report import table
from tracebreak.markers import generated, replaced

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "lint.md"
OWN = ("services", "tracebreak/runtime", "envoy/envoy.template.yaml")
RULES_PART = generated("rules", "python -m tracebreak.lint.docs")
EXAMPLE_PART = generated("example", "python -m tracebreak.lint.docs")


def rules_table() -> str:
    rows = [f"| `{r.id}` | `{r.name}` | {r.family} | {r.story} | {r.fix} |" for r in RULES.values()]
    return "\n".join(
        ["| id | name | family | what it catches | the fix |", "| --- | --- | --- | --- | --- |", *rows]
    )


def example() -> str:
    """`tracebreak lint` over the own services, as the terminal shows it (120 columns, no colour)."""
    result = check([ROOT / path for path in OWN], base=ROOT)
    out = io.StringIO()
    table(result, Console(file=out, width=120, color_system=None))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join(["```", f"$ tracebreak lint {' '.join(OWN)}", *lines, "```"])


def rendered(page: str) -> str:
    """The page with its generated parts made anew."""
    return replaced(replaced(page, RULES_PART, rules_table(), PAGE), EXAMPLE_PART, example(), PAGE)


if __name__ == "__main__":
    PAGE.write_text(rendered(PAGE.read_text()))
