"""The web view's JavaScript: Biome (pinned in tests/querysyntax/) finds it formatted and lint-clean,
as `make lint` checks it, and the page reads a duration by the commands' rule (parse_duration_us)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.npm_project import MISSING, installed, node
from tracebreak.durations import parse_duration_us
from tracebreak.web.pages import STATIC

ROOT = Path(__file__).resolve().parents[2]
# Reads a JSON list of texts on stdin; prints, for each, the µs it reads or the error it throws.
READ_ALL = """
import { durationUs } from "./duration.mjs";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const read = (text) => { try { return durationUs(text); } catch (error) { return error.message; } };
console.log(JSON.stringify(JSON.parse(input).map(read)));
"""
TEXTS = ["20", "1.5", " 90 ", "100ms", "1h30m", "1.5s", "250us", "2µs", "1500ns", "0.5m", "2h"]
REFUSED = ["", "s", "20x", "-5", "1e3", "20 s", "ms100", "9999999999999h"]


def test_biome_finds_the_javascript_formatted_and_lint_clean():
    project = installed()
    checked = subprocess.run(
        [str(project / "node_modules" / ".bin" / "biome"), "ci", "--colors=off", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]


def python_reads(text: str) -> int | str:
    try:
        return parse_duration_us(text)
    except ValueError as error:
        return str(error)


def test_the_page_reads_a_duration_as_the_commands_do(tmp_path):
    if shutil.which("node") is None:
        pytest.skip(MISSING)
    # Copied as .mjs: node reads a .js file as CommonJS, a browser as the module the page loads.
    shutil.copy(STATIC / "duration.js", tmp_path / "duration.mjs")
    (tmp_path / "read.mjs").write_text(READ_ALL)
    texts = TEXTS + REFUSED
    read = dict(zip(texts, node("read.mjs", tmp_path, texts), strict=True))
    assert read == {text: python_reads(text) for text in texts}
    assert read["20"] == 20_000_000 and all(isinstance(read[text], str) for text in REFUSED)
