"""The tables in docs/breaking-traces.md, generated so they cannot drift: the toggles' from the
catalogue, the signatures' from the mistakes they are left by.

`python -m tracebreak.chaos.docs` rewrites the parts of the page between the markers; a unit test
fails when the page and what this makes disagree.
"""

from pathlib import Path

from tracebreak.chaos.catalogue import CATALOGUE, Design
from tracebreak.markers import generated, replaced
from tracebreak.mistakes import MISTAKES
from tracebreak.signatures import SIGNATURES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "breaking-traces.md"
CATALOGUE_PART = generated("catalogue", "python -m tracebreak.chaos.docs")
SIGNATURES_PART = generated("signatures", "python -m tracebreak.chaos.docs")


def tables() -> str:
    breakers = [
        f"| `{t.name}` | {t.boundary} | `{t.where}` | {t.story} | `{t.signature}` | {t.fix} |"
        for t in CATALOGUE
        if t.kind == "breaker"
    ]
    faults = [
        f"| `{t.name}` | `{t.where}` | `--{t.setting.option}` | {t.story} |"
        for t in CATALOGUE
        if t.kind == "fault"
    ]
    designs = [
        f"| `{t.name}` | `{t.where}` | {t.story} | {t.cause.cost} |"
        for t in CATALOGUE
        if isinstance(t.cause, Design)
    ]
    return "\n".join(
        [
            "## Breakers",
            "",
            "| toggle | boundary | where the line is | what it does | the doctor's signature | the fix |",
            "| --- | --- | --- | --- | --- | --- |",
            *breakers,
            "",
            "## Faults",
            "",
            "| toggle | where the line is | set with | what it does |",
            "| --- | --- | --- | --- |",
            *faults,
            "",
            "## Designs",
            "",
            "Another right way to trace the same work: the doctor reads it as whole (by link), and it costs",
            "something else. Never drawn in a drill.",
            "",
            "| toggle | where the line is | what it does | what it costs |",
            "| --- | --- | --- | --- |",
            *designs,
        ]
    )


def signatures_table() -> str:
    """Each signature, what the traces show, and the lint rules that find a mistake leaving it."""
    rows = []
    for signature in SIGNATURES:
        rules = ", ".join(f"`{m.id}`" for m in MISTAKES if m.signature is signature)
        rows.append(f"| `{signature.name}` | {signature.shows} | {rules} |")
    return "\n".join(
        ["| signature | what the traces show | left by (`tracebreak lint`) |", "| --- | --- | --- |", *rows]
    )


def rendered(page: str) -> str:
    """The page with its generated parts made anew."""
    page = replaced(page, CATALOGUE_PART, tables(), PAGE)
    return replaced(page, SIGNATURES_PART, signatures_table(), PAGE)


if __name__ == "__main__":
    PAGE.write_text(rendered(PAGE.read_text()))
