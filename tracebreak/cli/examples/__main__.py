"""`python -m tracebreak.cli.examples`: every quoted output made anew on a stack of its own."""

import tempfile
from pathlib import Path

from tracebreak.cli.examples import EXAMPLES, ROOT, quotes
from tracebreak.cli.examples.framework import Runner, write
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.markers import replaced
from tracebreak.runtime.ports import Ports


def write_quotes() -> None:
    for markers, page, text in quotes():
        path = ROOT / page
        path.write_text(replaced(path.read_text(), markers, text, path))


def main() -> None:
    write_quotes()
    with tempfile.TemporaryDirectory(prefix="tracebreak-examples-") as folder:
        stack = Stack(StackConfig(ports=Ports.free(), data_dir=Path(folder)))
        stack.start()
        try:
            runner = Runner(stack.config)
            outputs = {example.name: example.make(runner) for example in EXAMPLES}
        finally:
            stack.stop()
    write(EXAMPLES, outputs)


if __name__ == "__main__":
    main()
