"""The scenarios, defined beside the catalogue: each names real toggles with values they take, has a
page that names no cause, promises signatures the doctor knows, one per breaker it holds, and has
its lab in the labs' index."""

from pathlib import PurePosixPath

import pytest

from tracebreak import signatures
from tracebreak.chaos.scenarios import SCENARIOS, UnknownScenario, scenario
from tracebreak.cli.examples import ROOT
from tracebreak.cli.examples.scenario_labs import SCENARIO_PAGES

REQUIRED = {"3am-incident", "kafka-blind-spot", "gateway-allowlist", "sampling-holes", "dark-logs"}


def test_the_issue_s_scenarios_exist_and_unknown_names_are_refused():
    assert {s.name for s in SCENARIOS} >= REQUIRED
    with pytest.raises(UnknownScenario, match="the scenarios are: 3am-incident"):
        scenario("4am-incident")


@pytest.mark.parametrize("chosen", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_each_setting_is_one_its_toggle_takes(chosen):
    for toggle, value in chosen.settings:
        assert toggle.setting.fits(value) and value != toggle.setting.off, (toggle.name, value)


@pytest.mark.parametrize("chosen", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_the_page_gives_the_symptom_not_the_cause(chosen):
    for toggle, _ in chosen.settings:
        assert toggle.name not in chosen.page
    for name in chosen.signatures:
        assert name not in chosen.page


@pytest.mark.parametrize("chosen", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_the_promised_signatures_are_the_breakers_own(chosen):
    assert chosen.signatures <= set(signatures.SIGNATURES_BY_NAME)
    breakers = {t.signature for t, _ in chosen.settings if t.kind == "breaker"}
    assert chosen.signatures == breakers


def test_every_scenario_and_every_lab_has_its_page_in_the_labs_index():
    index = (ROOT / "docs/labs/README.md").read_text()
    assert set(SCENARIO_PAGES) == {s.name for s in SCENARIOS}
    labs = sorted(p.name for p in (ROOT / "docs/labs").glob("[0-9][0-9]-*.md"))
    assert {PurePosixPath(page).name for page in SCENARIO_PAGES.values()} <= set(labs)
    assert [name for name in labs if f"]({name})" not in index] == []
