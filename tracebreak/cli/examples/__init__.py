"""The command outputs README.md, docs/ and docs/labs/ quote, made by running the commands on the real
local stack, so they stay true when the code changes.

`python -m tracebreak.cli.examples` (`make examples`) starts a stack of its own (free ports, a
temporary folder), runs each example and rewrites the blocks between its markers; it also rewrites
the code and config the labs quote from the repository's files. tests/e2e/test_examples.py runs the
examples again on its stack and fails when a quoted output has drifted (ids, timings and clock times
aside: they are new on every run); tests/unit/test_lab_quotes.py does the same for the quotes.

framework.py runs the commands and writes the pages; scenes.py plays a lab's transcript; docs.py and
labs.py and scenario_labs.py list the examples; quotes.py takes the labs' code and config from their files.
"""

from tracebreak.cli.examples.docs import DOCS
from tracebreak.cli.examples.framework import ROOT, Example, Runner, block, normalized
from tracebreak.cli.examples.labs import DESIGNS, LAB_EXAMPLES, PAGES, SAMPLING
from tracebreak.cli.examples.quotes import Quoted, code_quotes, collector_quote, scenario_quotes
from tracebreak.cli.examples.scenario_labs import SCENARIO_EXAMPLES, SCENARIO_PAGES

EXAMPLES: tuple[Example, ...] = DOCS + LAB_EXAMPLES + SCENARIO_EXAMPLES


def quotes() -> list[Quoted]:
    """The code, config and scenarios the labs quote, each with its markers and page."""
    return [*code_quotes(PAGES | DESIGNS), collector_quote(SAMPLING), *scenario_quotes(SCENARIO_PAGES, PAGES)]


__all__ = ["EXAMPLES", "ROOT", "Example", "Runner", "block", "normalized", "quotes"]
