"""What the labs quote from the repository's own files: each breaker's WRONG and RIGHT branches, from
its `chaos: NAME` marker to the end of the RIGHT branch, and the collector's tail-sampling settings.
Made from the files, without a stack; tests/unit/test_lab_quotes.py fails when a quote is stale."""

import textwrap
from pathlib import PurePosixPath

from tracebreak.chaos.catalogue import CATALOGUE, Toggle, where_line
from tracebreak.chaos.scenarios import SCENARIOS, Scenario
from tracebreak.cli.examples.framework import ROOT, SCRIPT
from tracebreak.markers import Markers, generated

COLLECTOR = "collector/config.yaml"
LANGUAGE = {"py": "python", "yaml": "yaml"}


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def branches(toggle: Toggle) -> str:
    """The WRONG and RIGHT branches under the toggle's marker (and the line that chooses between them)."""
    lines = (ROOT / toggle.where).read_text().splitlines()
    start = (where_line(toggle) or 0) - 1
    first = start - 1 if lines[start - 1].rstrip().endswith(":") else start
    right = next(n for n in range(start + 1, len(lines)) if lines[n].lstrip().startswith("# RIGHT"))
    end = right + 1
    while end < len(lines) and (not lines[end].strip() or indent(lines[end]) >= indent(lines[right])):
        end += 1
    return textwrap.dedent("\n".join(lines[first:end]).rstrip())


def is_sibling(line: str, level: int) -> bool:
    return bool(line.strip()) and indent(line) <= level and not line.lstrip().startswith("#")


def tail_sampling() -> str:
    """The collector's tail_sampling processor, as the file has it."""
    lines = (ROOT / COLLECTOR).read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == "tail_sampling:")
    end = next(n for n in range(start + 1, len(lines)) if is_sibling(lines[n], indent(lines[start])))
    while not lines[end - 1].strip() or indent(lines[end - 1]) <= indent(lines[start]):
        end -= 1  # the next processor's blank line and comment
    return textwrap.dedent("\n".join(lines[start:end]))


Quoted = tuple[Markers, str, str]  # the markers, the page, the block between them


def code_quotes(pages: dict[str, str]) -> list[Quoted]:
    """(markers, page, block) for every breaker whose lab page is in `pages` (toggle name -> page)."""
    quotes = []
    for toggle in CATALOGUE:
        if toggle.name in pages:
            language = LANGUAGE[toggle.where.rsplit(".", 1)[-1]]
            text = f"{toggle.where}:{where_line(toggle)}\n```{language}\n{branches(toggle)}\n```"
            quotes.append((generated(f"code {toggle.name}", SCRIPT), pages[toggle.name], text))
    return quotes


def what_it_turns_on(scenario: Scenario, breaker_pages: dict[str, str]) -> str:
    """A scenario's story and toggles, each breaker with its lab's code (the reveal at a lab's end)."""
    rows = ["| toggle | kind | setting | boundary | the code |", "| --- | --- | --- | --- | --- |"]
    for t, value in scenario.settings:
        page = breaker_pages.get(t.name)
        code = f"[lab: the code]({PurePosixPath(page).name}#the-code)" if page else f"`{t.where}`"
        rows.append(f"| `{t.name}` | {t.kind} | {t.setting.describe(value)} | {t.boundary} | {code} |")
    return "\n".join([scenario.story, "", *rows])


def scenario_quotes(pages: dict[str, str], breaker_pages: dict[str, str]) -> list[Quoted]:
    """(markers, page, block) for every scenario whose lab page is in `pages` (name -> page)."""
    return [
        (generated(f"quote scenario {s.name}", SCRIPT), pages[s.name], what_it_turns_on(s, breaker_pages))
        for s in SCENARIOS
        if s.name in pages
    ]


def collector_quote(page: str) -> Quoted:
    text = f"{COLLECTOR}\n```yaml\n{tail_sampling()}\n```"
    return generated("quote collector tail_sampling", SCRIPT), page, text
