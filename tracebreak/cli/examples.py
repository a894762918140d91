"""The command outputs README.md and docs/ quote, made by running the commands on the real local
stack, so they stay true when the code changes.

`python -m tracebreak.cli.examples` (`make examples`) starts a stack of its own (free ports, a
temporary folder), runs each example and rewrites the blocks between its markers;
tests/e2e/test_examples.py runs them again on its stack and fails when a quoted output has drifted
(trace, span and request ids aside: they are new on every run).
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracebreak import endpoints
from tracebreak.lint import docs as lint_docs
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.markers import generated, replaced
from tracebreak.runtime.ports import Ports
from tracebreak.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "python -m tracebreak.cli.examples"
SETTLE_S = 30
IDS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<request-id>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<trace-id>"),
    (re.compile(r"\b[0-9a-f]{16}\b"), "<span-id>"),
]


def normalized(text: str) -> str:
    """The output with its ids replaced: what must not drift."""
    for pattern, placeholder in IDS:
        text = pattern.sub(placeholder, text)
    return text


class Runner:
    """`tracebreak` as a reader types it, run against one stack (its ports added where needed)."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        ports = config.ports
        self.ports = [
            a for n in ("service_a", "service_b", "broker") for a in (Ports.flag(n), str(getattr(ports, n)))
        ]
        self.env = {
            **os.environ,
            **config.client_env(),
            endpoints.ENVOY_ADMIN_URL: config.edge_admin_url,
            Settings.variable("flags_file"): str(config.flags_file),
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
        lines = [line.rstrip() for line in done.stdout.splitlines()]
        return "\n".join([f"$ tracebreak {' '.join(args)}", *lines]).strip()

    def until(self, args: tuple[str, ...], effect: Callable[[str], bool]) -> None:
        """Run until the output shows the effect of a toggle just flipped (the services poll it)."""
        deadline = time.monotonic() + SETTLE_S
        while not effect(self.run(*args).stdout):
            if time.monotonic() > deadline:
                raise RuntimeError(f"tracebreak {' '.join(args)} did not show the toggle within {SETTLE_S} s")

    def with_toggle(self, name: str, args: tuple[str, ...], effect: Callable[[str], bool]) -> str:
        on = self.run("chaos", "on", name)
        try:
            self.until((*args, "--json"), effect)
            return "\n".join([f"$ tracebreak chaos on {name}", on.stdout.strip(), self.shown(*args)])
        finally:
            self.run("chaos", "reset")
            self.until(("wire", "--json"), whole)  # off, and seen off, before the next example


def whole(output: str) -> bool:
    return '"whole": true' in output


def broken(output: str) -> bool:
    return '"whole": false' in output or '"status": "FAIL"' in output


def wire(runner: Runner) -> str:
    return runner.shown("wire")


def wire_consumer_no_extract(runner: Runner) -> str:
    return runner.with_toggle("kafka-consumer-no-extract", ("wire",), broken)


def wire_stripped(runner: Runner) -> str:
    return runner.with_toggle("strip-traceparent-at-lb", ("wire",), broken)


def audit(runner: Runner) -> str:
    return runner.shown("audit")


def audit_uninstrumented(runner: Runner) -> str:
    return runner.with_toggle("uninstrumented-client", ("audit",), broken)


def lint(runner: Runner) -> str:
    return lint_docs.example().strip("`\n")


def grep_grpc(runner: Runner) -> str:
    """The article's first step, as it reads: tcpdump's text of every packet on B's port, grepped,
    while two requests go through."""
    port = runner.config.ports.service_b
    command = ["tcpdump", "-A", "-l", "-i", "lo", f"port {port}"]
    tcpdump = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    try:
        assert tcpdump.stderr is not None
        if "listening on" not in tcpdump.stderr.readline() + tcpdump.stderr.readline():
            raise RuntimeError("tcpdump did not start listening on lo")
        for order in ("42", "43"):
            runner.run("request", order, "--wait", "0")
    finally:
        tcpdump.send_signal(signal.SIGINT)
        out, _ = tcpdump.communicate(timeout=15)
    found = [line[:150] for line in out.splitlines() if "traceparent" in line]
    return "\n".join([f"$ tcpdump -A -l -i lo port {Ports().service_b} | grep traceparent", *found])


def grepped(output: str) -> str:
    """What must not drift in tcpdump's text: one traceparent a call (the bytes around it vary)."""
    return "\n".join(re.findall(r"traceparent.00-<trace-id>-<span-id>-01", normalized(output)))


@dataclass(frozen=True)
class Example:
    name: str
    pages: tuple[str, ...]
    make: Callable[[Runner], str]
    comparable: Callable[[str], str] = normalized

    @property
    def markers(self) -> tuple[str, str]:
        return generated(f"example {self.name}", SCRIPT)


EXAMPLES = (
    Example("lint", ("README.md",), lint),
    Example("wire", ("README.md", "docs/wire.md"), wire),
    Example("audit", ("README.md", "docs/audit.md"), audit),
    Example("grep-grpc", ("docs/wire.md",), grep_grpc, grepped),
    Example("wire-consumer-no-extract", ("docs/wire.md",), wire_consumer_no_extract),
    Example("wire-stripped", ("docs/wire.md",), wire_stripped),
    Example("audit-uninstrumented-client", ("docs/audit.md",), audit_uninstrumented),
)


def block(output: str) -> str:
    return f"```\n{output}\n```"


def write(outputs: dict[str, str]) -> None:
    """Each page with its examples' blocks made anew."""
    for page in sorted({page for example in EXAMPLES for page in example.pages}):
        path = ROOT / page
        text = path.read_text()
        for example in EXAMPLES:
            if page in example.pages:
                text = replaced(text, example.markers, block(outputs[example.name]), path)
        path.write_text(text)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tracebreak-examples-") as folder:
        stack = Stack(StackConfig(ports=Ports.free(), data_dir=Path(folder)))
        stack.start()
        try:
            runner = Runner(stack.config)
            outputs = {example.name: example.make(runner) for example in EXAMPLES}
        finally:
            stack.stop()
    write(outputs)


if __name__ == "__main__":
    main()
