"""How a service is started. Zero-code instrumentation (`opentelemetry-instrument python app.py`, or a
distribution's launcher built on it) applies every instrumentation installed before the app's code
runs: its gRPC channels and servers and its HTTP clients are instrumented with no line of code saying
so, and TB301, TB302 and TB501 are then not findings. It is read from a Dockerfile's ENTRYPOINT or CMD,
a Procfile, a shell script, the command, entrypoint or args of a Compose service or a Kubernetes
container, and the OpenTelemetry Operator's inject-python annotation on a workload."""

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

import yaml

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import LAUNCH, SourceFile, YamlFile

LAUNCHERS = {"opentelemetry-instrument", "splunk-py-trace"}
ANNOTATION = "instrumentation.opentelemetry.io/inject-python"
COMMAND_KEYS = {"command", "entrypoint", "args"}
DOCKER_COMMANDS = {"ENTRYPOINT", "CMD"}
WORD = re.compile(r"[^\s\"'\[\],;&|]+")


def launcher(text: str) -> bool:
    """A command line that runs a program under a zero-code launcher (`venv/bin/opentelemetry-instrument`)."""
    return any(PurePosixPath(word).name in LAUNCHERS for word in WORD.findall(text))


def instructions(text: str) -> Iterator[tuple[int, str]]:
    """A Dockerfile's instructions with the line each starts on, continuation lines joined."""
    start, joined = 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not joined:
            start = number
        joined += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            yield start, joined.strip()
            joined = ""


def in_script(file: SourceFile) -> Iterator[int]:
    if "dockerfile" in file.path.name.lower():
        for number, instruction in instructions(file.text):
            keyword, _, rest = instruction.partition(" ")
            if keyword.upper() in DOCKER_COMMANDS and launcher(rest):
                yield number
        return
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and launcher(line):
            yield number


def _text(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return " ".join(str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode))
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def in_yaml(node: yaml.Node) -> Iterator[int]:
    """Commands run under a launcher, and workloads the Operator injects Python instrumentation into."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from in_yaml(item)
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        name = str(key.value)
        if (name in COMMAND_KEYS and launcher(_text(value))) or (
            name == ANNOTATION and _text(value).strip().lower() not in ("", "false")
        ):
            yield key.start_mark.line + 1
        yield from in_yaml(value)


def collect(file: SourceFile) -> Facts:
    if isinstance(file, YamlFile):
        lines = [line for document in file.documents for line in in_yaml(document)]
    else:
        lines = list(in_script(file)) if file.kind == LAUNCH else []
    return Facts(zero_code=f"{file.shown}:{lines[0]}" if lines else "")
