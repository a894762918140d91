"""Every `tracebreak …` line of the labs' ```sh blocks parses with tracebreak's own arguments: a renamed
command or flag fails here (the outputs they quote are checked in tests/e2e/test_examples.py)."""

import re
import shlex
from pathlib import Path

import pytest

from tracebreak.cli.main import parser

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
