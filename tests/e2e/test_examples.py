"""The outputs README.md and docs/ quote are what the commands print now, on the real stack (ids
aside): `make examples` writes them, this fails when one drifts."""

import shutil

import pytest

from tests.e2e.wire_support import capture_refused
from tracebreak.cli.examples import EXAMPLES, ROOT, Runner, block
from tracebreak.markers import part

NEEDS_TSHARK = {"wire", "audit", "wire-consumer-no-extract", "wire-stripped", "audit-uninstrumented-client"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_the_quoted_output_is_what_the_command_prints_now(stack, example):
    if example.name in NEEDS_TSHARK and capture_refused():
        pytest.skip(f"{capture_refused()}")
    if example.name == "grep-grpc" and shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed (Debian: apt-get install -y tcpdump)")
    now = example.comparable(block(example.make(Runner(stack.config))))
    for page in example.pages:
        quoted = part((ROOT / page).read_text(), example.markers)
        assert quoted, f"{page} lacks the example {example.name}"
        assert example.comparable(quoted) == now, (
            f"{page}: example {example.name} drifted; run `make examples`"
        )
