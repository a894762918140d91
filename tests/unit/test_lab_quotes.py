"""The code and config the labs quote are their files' own lines now: each breaker's WRONG and RIGHT
branches, from its `chaos: NAME` marker, the collector's tail-sampling settings and each scenario's
toggles; and each incident's quoted doctor names the signatures its lab is about."""

import pytest

from tracebreak.chaos.catalogue import CATALOGUE, where_line
from tracebreak.cli.examples import EXAMPLES, ROOT, quotes
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


# The doctor blocks of the labs' incidents, with the signatures each lab is about.
DOCTORS = [(e, e.about) for e in EXAMPLES if e.about]


@pytest.mark.parametrize(("example", "names"), DOCTORS, ids=[e.name for e, _ in DOCTORS])
def test_each_incident_s_quoted_doctor_names_what_its_lab_is_about(example, names):
    quoted = part((ROOT / example.pages[0]).read_text(), example.markers)
    assert [n for n in names if f"\n  {n}: " not in quoted] == [], f"{example.pages[0]}: run `make examples`"
