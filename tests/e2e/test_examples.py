"""The outputs README.md, docs/ and docs/labs/ quote are what the commands print now, on the real stack
(ids, timings and clock times aside): `make examples` writes them, this fails when one drifts."""

import shutil

import pytest

from tests.support.wire import capture_refused
from tracebreak.cli.examples import EXAMPLES, ROOT, Runner, block
from tracebreak.markers import part


@pytest.fixture(scope="module")
def runner(stack):
    """One runner for the module: a lab's transcript is played once, its blocks compared one by one."""
    return Runner(stack.config, refused=capture_refused())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_the_quoted_output_is_what_the_command_prints_now(runner, example):
    if "tshark" in example.needs and capture_refused():
        pytest.skip(f"{capture_refused()}")
    if missing := [tool for tool in example.needs if shutil.which(tool) is None]:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: apt-get install -y {' '.join(missing)})")
    now = example.comparable(block(example.make(runner)))
    for page in example.pages:
        quoted = part((ROOT / page).read_text(), example.markers)
        assert quoted, f"{page} lacks the example {example.name}"
        assert example.comparable(quoted) == now, (
            f"{page}: example {example.name} drifted; run `make examples`"
        )
