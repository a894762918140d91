"""The layout shows the architecture: subpackages import each other in one direction only, and what
the services carry (the runtime) never reaches for the local runner, the CLI, the store or the doctor."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracebreak", "services", "loadgen")


def unit(module: str) -> str:
    """The part of the house a module belongs to: a subpackage, or a top-level module of tracebreak."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in PACKAGES else ""


def imports() -> dict[str, set[str]]:
    """unit -> the units its modules import (at module level or inside functions alike)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                targets = {unit(name) for name in names} - {"", unit(module)}
                found.setdefault(unit(module), set()).update(targets)
    return found


def test_no_import_cycle_between_the_parts():
    graph = imports()
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            assert state.get(target) != "open", "import cycle: " + " -> ".join([*path, node, target])
            if target not in state:
                visit(target, [*path, node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_runtime_and_the_services_stay_out_of_the_tools():
    graph = imports()
    tools = {"tracebreak.local", "tracebreak.cli", "tracebreak.doctor", "tracebreak.store", "loadgen.cli"}
    for part in ("tracebreak.runtime", "tracebreak.chaos", "services.service_a", "services.service_b"):
        assert not graph[part] & tools, f"{part} imports {graph[part] & tools}"
    assert not graph["services.service_c"] & tools
    assert "tracebreak.cli" not in graph["loadgen.cli"] | graph["loadgen.__main__"]


def test_every_subpackage_says_what_it_holds():
    for init in (ROOT / "tracebreak").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 80, f"{init.relative_to(ROOT)} needs a paragraph saying what it holds"
