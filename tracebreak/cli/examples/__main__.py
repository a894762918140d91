"""`python -m tracebreak.cli.examples [PAGE ...]`: every quoted output made anew (or those of the pages
named), each lab on a stack of its own (as a trainee's would be: its doctor sees that lab's requests
only), the other pages on one more."""

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tracebreak.cli.examples import EXAMPLES, ROOT, quotes
from tracebreak.cli.examples.framework import Example, Runner, write
from tracebreak.cli.examples.labs import LABS
from tracebreak.cli.examples.scenes import healthy, settle
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.markers import replaced
from tracebreak.runtime.ports import Ports


def write_quotes() -> None:
    for markers, page, text in quotes():
        path = ROOT / page
        path.write_text(replaced(path.read_text(), markers, text, path))


def by_stack(examples: Sequence[Example]) -> dict[str, list[Example]]:
    """The examples each stack runs: one per lab page, one for every other page."""
    grouped: dict[str, list[Example]] = {}
    for example in examples:
        page = example.pages[0]
        grouped.setdefault(page if page.startswith(LABS) else "", []).append(example)
    return grouped


def made_on_a_stack(examples: Sequence[Example]) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="tracebreak-examples-") as folder:
        stack = Stack(StackConfig(ports=Ports.free(), data_dir=Path(folder)))
        stack.start()
        try:
            runner = Runner(stack.config)
            # A stack that has served a whole request, as the one a trainee opens a lab on: the doctor
            # tells a service that stopped recording from one that never traced by what it has seen.
            settle(runner, healthy)
            return {example.name: example.make(runner) for example in examples}
        finally:
            stack.stop()


def main(pages: Sequence[str]) -> None:
    unknown = set(pages) - {page for example in EXAMPLES for page in example.pages}
    if unknown:
        sys.exit(f"no example is quoted on {', '.join(sorted(unknown))}")
    chosen = [e for e in EXAMPLES if not pages or set(e.pages) & set(pages)]
    write_quotes()
    outputs: dict[str, str] = {}
    for examples in by_stack(chosen).values():
        outputs.update(made_on_a_stack(examples))
    write(chosen, outputs)


if __name__ == "__main__":
    main(sys.argv[1:])
