"""Running the commands the pages quote on one stack, and writing their output between markers."""

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracebreak import endpoints
from tracebreak.local.stack import StackConfig
from tracebreak.markers import generated, replaced
from tracebreak.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = "python -m tracebreak.cli.examples"
SETTLE_S = 30
LOGS = ".tracebreak/"  # the data folder as a page names it (the stack's own folder when run)
# What differs from run to run: ids, timings, clock times, topic generations, the waterfall's bars.
VARYING = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<request-id>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<trace-id>"),
    (re.compile(r"\b[0-9a-f]{16}\b"), "<span-id>"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d([,.]\d+)?"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)? ?(ms|s)\b"), "<duration>"),
    (re.compile(r"(?<=\s)\d+\.\d(?=\s)"), "<ms>"),
    (re.compile(r"\.g\d+\b"), ".g<N>"),
    (re.compile(r"[ █]*█[ █]*"), " <bar> "),
    (re.compile(r"─+"), "─"),
    (re.compile(r"[ \t]+"), " "),
]


def normalized(text: str) -> str:
    """The output with what varies from run to run masked: what must not drift."""
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.splitlines())


class Runner:
    """`tracebreak` as a reader types it, run against one stack (its ports added where needed)."""

    def __init__(self, config: StackConfig, refused: str | None = None) -> None:
        self.config = config
        self.refused = refused  # why `tracebreak wire` cannot capture here, if it cannot
        self.scenes: dict[str, dict[str, str]] = {}  # a lab's transcripts, made once per runner
        self.env = {
            **os.environ,
            **config.client_env(),
            endpoints.ENVOY_ADMIN_URL: config.edge_admin_url,
            Settings.variable("flags_file"): str(config.flags_file),
            "COLUMNS": "160",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        extra = self.config.port_flags() if args[0] in ("wire", "audit") else []
        command = [sys.executable, "-m", "tracebreak.cli", *args, *extra]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=180)

    def shown(self, *args: str) -> str:
        """The command and what it printed, as a terminal shows them."""
        done = self.run(*args)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"tracebreak {' '.join(args)} failed: {done.stderr}")
        # The stack's own query port shown as the default one, where a reader's web view is.
        printed = done.stdout.replace(self.config.query_url, StackConfig().query_url)
        return transcript(f"tracebreak {shlex.join(args)}", printed)

    def shell(self, line: str) -> str:
        """A shell line a page shows (grep, jq over the JSON logs), run in the stack's data folder."""
        here = line.replace(LOGS, f"{self.config.data_dir}/")
        done = subprocess.run(["bash", "-c", here], capture_output=True, text=True, timeout=60)
        return transcript(line, done.stdout)

    def until(self, args: Sequence[str], effect: Callable[[str], bool]) -> None:
        """Run until the output shows the effect of a toggle just flipped (the services poll it)."""
        deadline = time.monotonic() + SETTLE_S
        while not effect(self.run(*args).stdout):
            if time.monotonic() > deadline:
                raise RuntimeError(f"tracebreak {' '.join(args)} did not show the toggle within {SETTLE_S} s")

    def with_toggle(self, name: str, args: tuple[str, ...], effect: Callable[[str], bool]) -> str:
        """The command's transcript with the toggle on (the page says it is on: a lab has turned it on
        before, the other docs say so in their prose)."""
        self.run("chaos", "on", name)
        try:
            self.until((*args, "--json"), effect)
            return self.shown(*args)
        finally:
            self.run("chaos", "reset")
            self.until(("wire", "--json"), whole)  # off, and seen off, before the next example


def transcript(command: str, output: str) -> str:
    lines = [line.rstrip() for line in output.splitlines()]
    return "\n".join([f"$ {command}", *lines]).strip()


def whole(output: str) -> bool:
    return '"whole": true' in output


def broken(output: str) -> bool:
    return '"whole": false' in output or '"status": "FAIL"' in output


def request_json(output: str) -> dict:
    try:
        return json.loads(output)
    except ValueError:
        return {}


@dataclass(frozen=True)
class Example:
    name: str
    pages: tuple[str, ...]
    make: Callable[[Runner], str]
    comparable: Callable[[str], str] = normalized
    needs: tuple[str, ...] = ()  # programs besides tracebreak it runs
    about: tuple[str, ...] = ()  # the signatures a lab's doctor block must name

    @property
    def markers(self) -> tuple[str, str]:
        return generated(f"example {self.name}", SCRIPT)


def block(output: str, language: str = "") -> str:
    return f"```{language}\n{output}\n```"


def write(examples: Sequence[Example], outputs: dict[str, str]) -> None:
    """Each page with its examples' blocks made anew."""
    for page in sorted({page for example in examples for page in example.pages}):
        path = ROOT / page
        text = path.read_text()
        for example in examples:
            if page in example.pages:
                text = replaced(text, example.markers, block(outputs[example.name]), path)
        path.write_text(text)
