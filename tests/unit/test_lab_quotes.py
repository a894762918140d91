"""The code and config the labs quote are their files' own lines now: each breaker's WRONG and RIGHT
branches, from its `chaos: NAME` marker, and the collector's tail-sampling settings."""

import pytest

from tracebreak.chaos.catalogue import CATALOGUE, where_line
from tracebreak.cli.examples import ROOT, quotes
from tracebreak.cli.examples.quotes import branches
from tracebreak.markers import part


@pytest.mark.parametrize("quote", quotes(), ids=lambda q: q[0][0])
def test_the_quote_is_what_the_file_holds(quote):
    markers, page, text = quote
    assert part((ROOT / page).read_text(), markers) == text, f"{page} is stale; run `make examples`"


@pytest.mark.parametrize("toggle", [t for t in CATALOGUE if t.kind == "breaker"], ids=lambda t: t.name)
def test_every_breaker_is_quoted_with_both_branches_and_its_line(toggle):
    quoted = branches(toggle)
    assert f"chaos: {toggle.name}" in quoted and "WRONG" in quoted and "# RIGHT" in quoted
    [text] = [text for markers, _, text in quotes() if f"code {toggle.name}:" in markers[0]]
    assert text.startswith(f"{toggle.where}:{where_line(toggle)}\n")
