"""The catalogue is the single source: every toggle's line is where it says, every marker in the tree
names a toggle, every chaos line of a service is a WRONG/RIGHT pair or the inbound-boundary call, and
the docs' tables are the catalogue's."""

import re
from pathlib import Path

import pytest

from tracebreak import signatures
from tracebreak.chaos import docs
from tracebreak.chaos.catalogue import BY_NAME, CATALOGUE, Toggle, lab_page

ROOT = Path(__file__).resolve().parents[2]
CODE = [
    path
    for folder in ("services", "tracebreak", "envoy", "loadgen")
    for path in sorted((ROOT / folder).rglob("*"))
    # Generated code is left out: the gRPC stubs, and Envoy's compose config (rendered from the template).
    if path.suffix in (".py", ".yaml") and "_pb2" not in path.name and path.name != "envoy.compose.yaml"
]
MARKER = re.compile(r"#.*?\b(chaos|fault|design): ([a-z][a-z0-9-]*)")
CONSTANT = re.compile(r"chaos\.\w+\(([A-Z_]+)\)")


def lines(relative: str) -> list[str]:
    return (ROOT / relative).read_text().splitlines()


def marker_line(t: Toggle) -> int:
    found = [n for n, line in enumerate(lines(t.where)) if t.marker in line]
    assert len(found) == 1, f"{t.where} should hold `{t.marker}` once, holds it {len(found)} times"
    return found[0]


@pytest.mark.parametrize("t", CATALOGUE, ids=lambda t: t.name)
def test_each_toggle_is_marked_in_its_where_file_at_its_line(t):
    text = lines(t.where)
    at = marker_line(t)
    if t.kind == "breaker":
        assert "WRONG" in text[at], f"{t.where}:{at + 1}: the `{t.marker}` comment must open the WRONG branch"
        after = text[at + 1 : at + 16]
        assert any("RIGHT" in line for line in after), (
            f"{t.where}:{at + 1}: no RIGHT side follows the WRONG one"
        )
        assert t.signature in signatures.SIGNATURES_BY_NAME
    elif t.kind == "design":  # both ways side by side: the design's, and the default below it
        assert "default" in " ".join(text[at + 1 : at + 6]), f"{t.where}:{at + 1}: no default way follows"
        assert t.signature is None and t.lint_rule is None
    else:
        assert t.signature is None


def test_every_marker_in_the_tree_names_a_catalogued_toggle_of_its_kind():
    seen = set()
    for path in CODE:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for kind, name in MARKER.findall(line):
                where = f"{path.relative_to(ROOT)}:{number}"
                assert name in BY_NAME, f"{where} marks {name!r}, which is not in the catalogue"
                assert BY_NAME[name].marker == f"{kind}: {name}", f"{where}: {name} is not a {kind}"
                assert BY_NAME[name].where == str(path.relative_to(ROOT)), (
                    f"{where}: the catalogue says elsewhere"
                )
                seen.add(name)
    assert seen == set(BY_NAME)


def chaos_lines(relative: str) -> list[tuple[int, str]]:
    """The lines of code that mention chaos (imports aside)."""
    return [
        (n, line)
        for n, line in enumerate(lines(relative))
        if "chaos" in line and not line.lstrip().startswith(("from ", "import "))
    ]


# A service's transport, and every file a breaker names: each chaos line is the condition of a
# WRONG/RIGHT pair (the marker right below it) or part of the pair's comments.
PAIRED = sorted(
    {f"services/service_{x}/server.py" for x in "abc"}
    | {t.where for t in CATALOGUE if t.kind == "breaker" and t.where.endswith(".py")}
)


@pytest.mark.parametrize("relative", PAIRED)
def test_every_chaos_line_of_a_service_is_a_wrong_right_pair(relative):
    text = lines(relative)
    for n, line in chaos_lines(relative):
        if line.lstrip().startswith("#"):
            assert MARKER.search(line) or "chaos" not in line.split("#", 1)[1].replace("chaos:", ""), line
            continue
        constant = CONSTANT.search(line)
        assert constant and line.lstrip().startswith("if "), f"{relative}:{n + 1}: {line.strip()}"
        toggle = next(t for t in CATALOGUE if t.name.replace("-", "_").upper() == constant.group(1))
        assert toggle.marker in text[n + 1], f"{relative}:{n + 2} should open the WRONG side of {toggle.name}"


FAULTS = sorted({t.where for t in CATALOGUE if t.kind == "fault"})


@pytest.mark.parametrize("relative", FAULTS)
def test_every_chaos_line_of_a_fault_carries_its_marker(relative):
    for n, line in chaos_lines(relative):
        constant = CONSTANT.search(line)
        assert constant, f"{relative}:{n + 1}: {line.strip()}"
        assert f"fault: {constant.group(1).lower().replace('_', '-')}" in line, f"{relative}:{n + 1}"


def test_call_sites_name_toggles_by_their_constant():
    calls = re.compile(r"chaos\.\w+\(\s*[\"']")
    for path in CODE:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not calls.search(line), f"{path.relative_to(ROOT)}:{number}: a toggle named by a string"


@pytest.mark.parametrize("t", CATALOGUE, ids=lambda t: t.name)
def test_each_breaker_has_its_lab_and_a_fault_none(t):
    page = lab_page(t)
    if t.kind == "fault":
        assert page is None
    else:
        assert re.fullmatch(rf"docs/labs/\d\d-{t.name}\.md", str(page)) and (ROOT / str(page)).is_file()
    assert lab_page(t, ROOT / "elsewhere") is None  # the docs not at hand: no page named


def test_the_docs_tables_are_the_catalogues():
    page = docs.PAGE.read_text()
    assert docs.rendered(page) == page, "docs/breaking-traces.md drifted: run python -m tracebreak.chaos.docs"
