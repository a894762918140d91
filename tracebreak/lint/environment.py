"""OpenTelemetry environment variables (TB602, TB603, TB702), wherever they are set: assigned in Python
(os.environ[...] = ..., setdefault, setenv, putenv, an env dict), in .env files, in a Compose file's
`environment:`, a Kubernetes container's `env:` (name and value) and a Dockerfile's ENV.
OTEL_PYTHON_LOG_CORRELATION=true counts as log trace-context injection."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import ENV, PythonFile, SourceFile, YamlFile, dockerfile, instructions
from tracebreak.lint.syntax import Hit, called, dotted

PROPAGATORS, SAMPLER, LOG_CORRELATION = (
    "OTEL_PROPAGATORS",
    "OTEL_TRACES_SAMPLER",
    "OTEL_PYTHON_LOG_CORRELATION",
)
SELF_DECIDING = {"always_on", "always_off", "traceidratio"}
SETTERS = ("setdefault", "setenv", "putenv")


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    line: int
    column: int


def _name(node: ast.expr | None) -> str:
    """A variable's name: a string, or a constant named like it (opentelemetry.environment_variables)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return dotted(node).rpartition(".")[2] if node is not None else ""


def _pairs(tree: ast.Module) -> Iterator[tuple[ast.expr | None, ast.expr]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            yield node.targets[0].slice, node.value
        elif isinstance(node, ast.Call) and called(node) in SETTERS and len(node.args) == 2:
            yield node.args[0], node.args[1]
        elif isinstance(node, ast.Dict):
            yield from zip(node.keys, node.values, strict=True)


def in_python(file: PythonFile) -> Iterator[Setting]:
    for key, value in _pairs(file.tree):
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and _name(key).startswith("OTEL_")
        ):
            yield Setting(_name(key), value.value, value.lineno, value.col_offset + 1)


def in_env_file(file: SourceFile) -> Iterator[Setting]:
    for number, line in enumerate(file.text.splitlines(), start=1):
        name, equals, value = line.strip().removeprefix("export ").partition("=")
        value = value.split(" #")[0]  # a comment after an unquoted value
        if equals and not name.startswith("#"):
            yield Setting(name.strip(), value.strip().strip("\"'"), number, 1)


def _environment(service: yaml.Node) -> Iterator[Setting]:
    if not isinstance(service, yaml.MappingNode):
        return
    for key, value in service.value:
        if key.value != "environment":
            continue
        if isinstance(value, yaml.MappingNode):
            yield from (
                Setting(k.value, str(v.value), v.start_mark.line + 1, v.start_mark.column + 1)
                for k, v in value.value
            )
        elif isinstance(value, yaml.SequenceNode):
            for item in value.value:
                name, _, text = str(item.value).partition("=")
                yield Setting(name, text, item.start_mark.line + 1, item.start_mark.column + 1)


def in_compose(file: YamlFile) -> Iterator[Setting]:
    services = file.top("services")
    if isinstance(services, yaml.MappingNode):
        for _, service in services.value:
            yield from _environment(service)


def _pair(item: yaml.Node) -> Setting | None:
    """A Kubernetes `env:` item, `{name: X, value: Y}`."""
    fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
    name, value = fields.get("name"), fields.get("value")
    if not isinstance(name, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
        return None
    return Setting(str(name.value), str(value.value), value.start_mark.line + 1, value.start_mark.column + 1)


def in_manifest(file: YamlFile) -> Iterator[Setting]:
    for key, value in file.pairs():
        if key.value == "env" and isinstance(value, yaml.SequenceNode):
            yield from filter(None, map(_pair, value.value))


def in_dockerfile(file: SourceFile) -> Iterator[Setting]:
    """ENV NAME=value (several on a line), and the old form ENV NAME value."""
    for number, keyword, rest in instructions(file.text):
        if keyword != "ENV":
            continue
        words = rest.split()
        if words and "=" not in words[0]:
            pairs = [(words[0], " ".join(words[1:]))]
        else:
            pairs = [(name, value) for name, _, value in (word.partition("=") for word in words)]
        for name, value in pairs:
            yield Setting(name, value.strip("\"'"), number, 1)


def settings(file: SourceFile) -> Iterator[Setting]:
    if isinstance(file, PythonFile):
        yield from in_python(file)
    elif isinstance(file, YamlFile):
        yield from in_compose(file)
        yield from in_manifest(file)
    elif file.kind == ENV:
        yield from in_env_file(file)
    elif dockerfile(file.path):
        yield from in_dockerfile(file)


def collect(file: SourceFile) -> Facts:
    correlated = any(s.name == LOG_CORRELATION and s.value.lower() == "true" for s in settings(file))
    return Facts(log_correlation_env=correlated)


# OTEL_PROPAGATORS names of formats other than W3C Trace Context (Zipkin's B3, Jaeger's, OpenTracing's).
OTHER_FORMATS = {"b3", "b3multi", "jaeger", "ottrace", "xray"}


def check(file: SourceFile, facts: Facts) -> Iterator[Hit]:
    for setting in settings(file):
        values = {part.strip().lower() for part in setting.value.split(",")} - {""}
        if setting.name == PROPAGATORS and values == {"none"}:
            yield Hit(
                "TB602", setting.line, setting.column, f"{PROPAGATORS}={setting.value}: no propagator at all"
            )
        if setting.name == PROPAGATORS and values and values <= OTHER_FORMATS:
            message = f"{PROPAGATORS}={setting.value}: no W3C Trace Context, which its neighbours speak"
            yield Hit("TB603", setting.line, setting.column, message)
        if setting.name == SAMPLER and setting.value.strip().lower() in SELF_DECIDING:
            message = f"{SAMPLER}={setting.value} decides alone, whatever the caller sampled"
            yield Hit("TB702", setting.line, setting.column, message)
