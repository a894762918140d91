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
from tracebreak.lint.source import LAUNCH, SourceFile, YamlFile, dockerfile, instructions

LAUNCHERS = {"opentelemetry-instrument", "splunk-py-trace"}
ANNOTATION = "instrumentation.opentelemetry.io/inject-python"
COMMAND_KEYS = {"command", "entrypoint", "args"}
DOCKER_COMMANDS = {"ENTRYPOINT", "CMD"}
WORD = re.compile(r"[^\s\"'\[\],;&|]+")


def launcher(text: str) -> bool:
    """A command line that runs a program under a zero-code launcher (`venv/bin/opentelemetry-instrument`)."""
    return any(PurePosixPath(word).name in LAUNCHERS for word in WORD.findall(text))


def in_script(file: SourceFile) -> Iterator[int]:
    if dockerfile(file.path):
        for number, keyword, rest in instructions(file.text):
            if keyword in DOCKER_COMMANDS and launcher(rest):
                yield number
        return
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and launcher(line):
            yield number


def _text(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return " ".join(str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode))
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def in_yaml(file: YamlFile) -> Iterator[int]:
    """Commands run under a launcher, and workloads the Operator injects Python instrumentation into."""
    for key, value in file.pairs():
        name = str(key.value)
        if (name in COMMAND_KEYS and launcher(_text(value))) or (
            name == ANNOTATION and _text(value).strip().lower() not in ("", "false")
        ):
            yield key.start_mark.line + 1


def collect(file: SourceFile) -> Facts:
    if isinstance(file, YamlFile):
        lines = in_yaml(file)
    else:
        lines = in_script(file) if file.kind == LAUNCH else iter(())
    line = next(lines, None)
    return Facts(zero_code=f"{file.shown}:{line}" if line else "")
