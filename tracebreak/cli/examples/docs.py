"""The examples README.md, docs/wire.md and docs/audit.md quote (the labs reuse some of them)."""

import re
import signal
import subprocess

from tracebreak.cli.examples.framework import Example, Runner, broken, normalized
from tracebreak.lint import docs as lint_docs
from tracebreak.runtime.ports import Ports

LABS = "docs/labs"
TSHARK = ("tshark",)  # the wire's capture, which the audit also reads
TOUR = f"{LABS}/00-a-healthy-trace.md"
UNINSTRUMENTED = f"{LABS}/02-uninstrumented-client.md"


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


DOCS = (
    Example("lint", ("README.md",), lint),
    Example("wire", ("README.md", "docs/wire.md", TOUR), wire, needs=TSHARK),
    Example("audit", ("README.md", "docs/audit.md", TOUR), audit, needs=TSHARK),
    Example("grep-grpc", ("docs/wire.md",), grep_grpc, grepped, ("tcpdump",)),
    Example("wire-consumer-no-extract", ("docs/wire.md",), wire_consumer_no_extract, needs=TSHARK),
    Example("wire-stripped", ("docs/wire.md",), wire_stripped, needs=TSHARK),
    Example(
        "audit-uninstrumented-client", ("docs/audit.md", UNINSTRUMENTED), audit_uninstrumented, needs=TSHARK
    ),
)
