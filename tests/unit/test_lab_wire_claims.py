"""What a lab says about the wire agrees with the capture it quotes: a page must not say the wire is
whole where its `tracebreak wire` block names a break, nor the reverse. The prose is read for the
claims the labs make, in the words they make them in; each lab makes at least one, so each is read."""

import re

import pytest

from tracebreak.cli.examples import ROOT
from tracebreak.cli.examples.labs import PAGES, TOUR
from tracebreak.cli.examples.scenario_labs import SCENARIO_PAGES

# That the context crossed every hop unchanged, or that the capture cannot see the break.
SAYS_WHOLE = re.compile(
    r"every hop (it sees )?carries|with one trace id|wire cannot show|cannot see|wire is fine"
    r"|propagation is not the problem",
    re.IGNORECASE,
)
# That a hop lost the context, or that a service sent on another trace than the one it received.
SAYS_BROKEN = re.compile(
    r"carries no `traceparent`|no `traceparent` on|without `traceparent`|changed trace id|broken inside",
    re.IGNORECASE,
)
BLOCK = re.compile(r"<!-- (example|code|quote) [^>]*-->(.*?)<!-- /[^>]*-->|```.*?```", re.DOTALL)
CAPTURE = re.compile(r"```\n\$ tracebreak wire\n(.*?)```", re.DOTALL)
CAPTURED = "(the capture)"  # where a quoted `tracebreak wire` stood
LAB_PAGES = [TOUR, *PAGES.values(), *SCENARIO_PAGES.values()]


def capture_verdict(page: str) -> str:
    """`broken` or `whole`: what the lab's own `tracebreak wire` block concludes."""
    [capture] = CAPTURE.findall(page) or [""]
    assert capture, "the lab quotes no `tracebreak wire` of its own; run `make examples`"
    return "broken" if "\nbreak: " in capture else "whole"


def claims(page: str) -> list[tuple[str, str]]:
    """Each paragraph of the prose that speaks of the wire (names it, or reads the capture just
    quoted), with what it claims."""
    found = []
    after_capture = False
    for paragraph in BLOCK.sub(lambda m: CAPTURED if CAPTURE.search(m.group(0)) else "", page).split("\n\n"):
        about_wire = after_capture or "wire" in paragraph.lower()
        after_capture = paragraph.strip() == CAPTURED or (after_capture and not paragraph.strip())
        if not about_wire:
            continue
        found += [("whole", paragraph) for _ in SAYS_WHOLE.finditer(paragraph)]
        found += [("broken", paragraph) for _ in SAYS_BROKEN.finditer(paragraph)]
    return found


@pytest.mark.parametrize("lab", LAB_PAGES)
def test_the_lab_s_prose_says_what_its_capture_shows(lab):
    page = (ROOT / lab).read_text()
    verdict = capture_verdict(page)
    said = claims(page)
    assert any(claim == verdict for claim, _ in said), f"{lab}: no sentence says the wire is {verdict}"
    wrong = [paragraph.strip()[:160] for claim, paragraph in said if claim != verdict]
    assert wrong == [], f"{lab}: its capture is {verdict}, yet the prose says otherwise"


def test_a_claim_against_the_capture_is_caught():
    quoted = "```\n$ tracebreak wire\nrequest 1\nbreak: broken inside service-c: it received\n```"
    page = f"**1. Trust the wire.** The wire cannot show this break.\n\n{quoted}\n\nEvery hop carries `traceparent`.\n"
    assert capture_verdict(page) == "broken"
    assert [claim for claim, _ in claims(page)] == ["whole", "whole"]
