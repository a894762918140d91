"""The files a lint run reads: which ones a directory holds, their text, and their ignore comments."""

import ast
import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PYTHON, YAML, ENV, LAUNCH = "python", "yaml", "env", "launch"
SKIPPED_DIRS = {"__pycache__", "node_modules", "venv", "build", "dist"}  # caches, installs, build output
GENERATED = ("*_pb2.py", "*_pb2_grpc.py")
# string.Template's ${NAME} (envoy.template.yaml) is not YAML inside a flow mapping: it is read as a
# plain word of the same length, so lines and columns stay those of the file.
PLACEHOLDER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
# A Helm chart's templates are Go templates that render to YAML, not YAML themselves.
TEMPLATE_ACTION = re.compile(r"\{\{-?\s")
IGNORE = re.compile(r"#\s*tracebreak:\s*ignore\[([A-Za-z0-9_,\s]+)\]")


@dataclass(frozen=True)
class Problem:
    """A file that could not be read or parsed: it was left out of the check."""

    path: str
    line: int | None
    message: str


class Unparsable(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


class Template(Exception):
    """A file that is not itself a config but renders to one (a Helm template): left unread."""


@dataclass
class SourceFile:
    path: Path
    shown: str  # the path as findings name it
    kind: str
    text: str
    ignores: dict[int, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for number, line in enumerate(self.text.splitlines(), start=1):
            if match := IGNORE.search(line):
                self.ignores[number] = {part.strip().upper() for part in match.group(1).split(",")}

    def ignored(self, rule: str, line: int) -> bool:
        return rule in self.ignores.get(line, set())


@dataclass
class PythonFile(SourceFile):
    tree: ast.Module = field(default_factory=ast.Module)

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            self.tree = ast.parse(self.text, filename=str(self.path))
        except SyntaxError as error:
            raise Unparsable(error.lineno, f"not valid Python: {error.msg}") from None


@dataclass
class YamlFile(SourceFile):
    documents: list[yaml.Node] = field(default_factory=list)  # a Kubernetes manifest holds several

    def __post_init__(self) -> None:
        super().__post_init__()
        plain = PLACEHOLDER.sub(lambda match: "x" * len(match.group()), self.text)
        try:
            self.documents = [node for node in yaml.compose_all(plain, Loader=yaml.SafeLoader) if node]
        except yaml.YAMLError as error:
            if TEMPLATE_ACTION.search(self.text):
                raise Template() from None
            mark = getattr(error, "problem_mark", None)
            raise Unparsable(mark.line + 1 if mark else None, f"not valid YAML: {error}") from None

    @property
    def node(self) -> yaml.Node | None:
        """The first document."""
        return self.documents[0] if self.documents else None

    def pairs(self) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        """Every key and value of every mapping in every document, outermost first."""
        for document in self.documents:
            yield from _pairs(document)

    def top(self, key: str) -> yaml.Node | None:
        """The value of a top-level key, if the document is a mapping that has it."""
        if not isinstance(self.node, yaml.MappingNode):
            return None
        return next((value for name, value in self.node.value if name.value == key), None)


def _pairs(node: yaml.Node) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _pairs(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key, value
            yield from _pairs(value)


def dockerfile(path: Path) -> bool:
    name = path.name.lower()
    return name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile")


def launches(path: Path) -> bool:
    """A file that says how a service starts: a Dockerfile, a Procfile, a shell script."""
    name = path.name.lower()
    return dockerfile(path) or name == "procfile" or name.endswith(".sh")


def instructions(text: str) -> Iterator[tuple[int, str, str]]:
    """A Dockerfile's instructions: the line each starts on, its keyword (upper case) and the rest,
    continuation lines joined."""
    start, joined = 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not joined:
            start = number
        joined += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            keyword, _, rest = joined.strip().partition(" ")
            yield start, keyword.upper(), rest
            joined = ""


def kind_of(path: Path) -> str | None:
    if launches(path):
        return LAUNCH
    if path.suffix == ".py":
        return PYTHON
    if path.suffix in (".yaml", ".yml"):
        return YAML
    if path.suffix == ".env" or path.name == ".env":
        return ENV
    return None


def walk(root: Path) -> Iterator[Path]:
    """The files under a directory that the check reads, in a stable order."""
    for path in sorted(root.iterdir()):
        if path.is_dir():
            if not path.name.startswith(".") and path.name not in SKIPPED_DIRS:
                yield from walk(path)
        elif kind_of(path) and not any(fnmatch.fnmatch(path.name, pattern) for pattern in GENERATED):
            yield path


def discover(paths: Sequence[Path]) -> Iterator[Path]:
    """Files named are read whatever they are called; directories are walked."""
    for path in paths:
        if path.is_dir():
            yield from walk(path)
        elif kind_of(path):
            yield path


def shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load(path: Path, base: Path) -> SourceFile:
    """Raises Unparsable when the file cannot be read or is not valid Python or YAML, Template when
    it is a template that renders to YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Unparsable(None, f"cannot be read: {error}") from None
    kind = kind_of(path) or PYTHON
    made = {PYTHON: PythonFile, YAML: YamlFile}.get(kind, SourceFile)
    return made(path, shown(path, base), kind, text)
