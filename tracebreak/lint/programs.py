"""Programs that trace nothing: a script (it has an `if __name__ == "__main__":` block) that never
reaches OpenTelemetry, through its own imports or those of the modules of the code checked it imports
(a load generator, a test client, a metrics poller). It starts no trace, so its gRPC channels and
servers and HTTP clients have no context to lose: TB301, TB302 and TB501 are not findings there.
Modules are known by file stem; two modules of the same stem count as one, which errs towards judging."""

import ast
from collections import deque

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile

# Packages whose import means the program traces: the API and SDK, and distributions built on them.
TRACING = ("opentelemetry", "splunk_otel", "traceloop")


def modules(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """Each module imported, with the names taken from it (`from . import db`: "", ["db"])."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", [alias.name for alias in node.names]))
    return found


def import_parts(imports: list[tuple[str, list[str]]]) -> set[str]:
    """Every dotted part of every module imported, and the names taken from it."""
    return {part for module, names in imports for part in [*module.split("."), *names]} - {""}


def collect(file: PythonFile) -> Facts:
    stem, imports = file.path.stem, modules(file.tree)
    traced = any(module.split(".")[0] in TRACING for module, _ in imports)
    return Facts(traced={stem} if traced else set(), imports={stem: import_parts(imports)})


def script(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.If)
        and "__main__" in ast.unparse(node.test)
        and "__name__" in ast.unparse(node.test)
        for node in tree.body
    )


def reaches(module: str, facts: Facts) -> bool:
    """Whether the module, or a module of the code checked it imports (and so on), imports OpenTelemetry."""
    seen, pending = {module}, deque([module])
    while pending:
        current = pending.popleft()
        if current in facts.traced:
            return True
        for name in facts.imports.get(current, set()) - seen:
            seen.add(name)
            pending.append(name)
    return False


def untraced(file: PythonFile, facts: Facts) -> bool:
    return script(file.tree) and not reaches(file.path.stem, facts)
