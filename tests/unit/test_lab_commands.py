"""Every `tracebreak …` line of the labs' ```sh blocks parses with tracebreak's own arguments: a renamed
command or flag fails here (the outputs they quote are checked in tests/e2e/test_examples.py)."""

import re
import shlex
from pathlib import Path

import pytest

from tracebreak.cli.main import parser
from tracebreak.durations import parse_duration_us

ROOT = Path(__file__).resolve().parents[2]
SH = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def commands() -> list[tuple[str, str]]:
    found = []
    for page in sorted((ROOT / "docs" / "labs").glob("*.md")):
        for body in SH.findall(page.read_text()):
            for line in body.splitlines():
                words = shlex.split(line, comments=True)
                while words and ASSIGNMENT.match(words[0]):
                    words = words[1:]  # VAR=value before the command
                if words and words[0] == "tracebreak":
                    found.append((page.name, shlex.join(words)))
    return found


def test_the_labs_show_commands():
    assert len(commands()) > 50


@pytest.mark.parametrize("page, command", commands(), ids=[f"{p}: {c}" for p, c in commands()])
def test_the_command_parses(page, command):
    try:
        parser().parse_args(shlex.split(command)[1:])
    except SystemExit as refused:
        raise AssertionError(f"{page}: `{command}` does not parse") from refused


LOAD = re.compile(r"`(tracebreak load [^`]*)`")
LONGEST_LOAD_US = 300_000_000


@pytest.mark.parametrize("page", sorted((ROOT / "docs" / "labs").glob("*.md")), ids=lambda p: p.name)
def test_a_lab_that_starts_load_bounds_it_and_stops_it(page):
    """Load a lab starts ends within five minutes, and the lab says how to stop it before it leaves."""
    text = page.read_text()
    for command in LOAD.findall(text):
        args = parser().parse_args(shlex.split(command)[1:])
        assert 0 < parse_duration_us(args.duration) <= LONGEST_LOAD_US, (
            f"{page.name}: `{command}` runs past five minutes"
        )
        assert "the load if it still runs (Ctrl-C" in text, f"{page.name} starts load and never stops it"
