"""The layout shows the architecture: subpackages import each other in one direction only, and what
the services carry (the runtime) never reaches for the local runner, the CLI, the store or the doctor."""

import ast
import re
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


MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def sources() -> list[Path]:
    """Every module of tracebreak/ and services/, the generated gRPC code aside."""
    found = [path for package in ("tracebreak", "services") for path in (ROOT / package).rglob("*.py")]
    return sorted(path for path in found if "_pb2" not in path.name)


def test_no_module_is_over_300_lines():
    lines = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in sources()}
    long = {module: n for module, n in lines.items() if n > MAX_MODULE_LINES}
    assert long == {}, f"split by role: {long}"


def test_no_function_is_over_40_lines():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
        for path in sources()
        for node in ast.walk(ast.parse(path.read_text()))
        # From `def` to the last line of the body: decorators are not counted.
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == [], "split by what each part does: " + "; ".join(long)


# A path in the README's Layout block: a file with an extension, a folder (a trailing slash), or a
# pattern (`auth_pb2*`). A row starts at the left margin with the path it describes; the names after
# it are of its folder (anywhere below it), or from the top of the repository.
LAYOUT_NAME = re.compile(
    r"(?<![\w/.*-])(?:[\w.-]+/)*(?:[\w-]+\.(?:py|pyi|md|js|css|html|json|proto|ya?ml|toml)|[\w-]+/|[a-z]\w*\*)(?![\w*/])"
)


def layout_rows() -> list[tuple[str, list[str]]]:
    """(the path a row describes, every path the row names) for each row of the README's Layout."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"^## Layout$.*?^```\n(.*?)^```$", readme, re.M | re.S)
    assert block, "README.md has a Layout section with a block of paths"
    rows: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line and not line[0].isspace():
            rows.append((line.split()[0].rstrip(","), []))
        rows[-1][1].extend(LAYOUT_NAME.findall(line))
    return rows


def named_path_exists(row: str, name: str) -> bool:
    folder = ROOT / (row if row.endswith("/") else Path(row).parent)
    pattern = name.rstrip("/")
    found = [*ROOT.glob(pattern), *(folder.glob(f"**/{pattern}") if folder != ROOT else [])]
    return any(path.is_dir() or not name.endswith("/") for path in found)


def test_every_path_the_readmes_layout_names_exists():
    rows = layout_rows()
    assert len(rows) > 20 and sum(len(names) for _, names in rows) > 100  # the block was read
    missing = [
        f"{row}: {name}" for row, names in rows for name in [row, *names] if not named_path_exists(row, name)
    ]
    assert missing == [], "the README's Layout names what is not there"


def test_the_readmes_layout_has_a_row_for_each_part_of_tracebreak():
    named = set()
    for row, names in layout_rows():
        folder = Path(row if row.endswith("/") else Path(row).parent)
        named |= {row.rstrip("/"), *(str(folder / name.rstrip("/")) for name in names)}
    parts = [path.parent for path in (ROOT / "tracebreak").glob("*/__init__.py")]
    parts += [path for path in (ROOT / "tracebreak").glob("*.py") if path.name != "__init__.py"]
    unlisted = sorted(str(p.relative_to(ROOT)) for p in parts if str(p.relative_to(ROOT)) not in named)
    assert unlisted == [], "the README's Layout has no row for these"


TESTS = ROOT / "tests"
FIXTURES = TESTS / "unit" / "lint_fixtures"  # code lint reads, never imported


def modules_of_the_tests() -> list[Path]:
    return [path for path in TESTS.rglob("*.py") if FIXTURES not in path.parents]


def test_no_test_module_or_conftest_is_imported():
    imported = []
    for path in modules_of_the_tests():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module or ''}.{alias.name}" for alias in node.names] + [node.module or ""]
            else:
                continue
            leaves = {name.rsplit(".", 1)[-1] for name in names}
            if any(leaf.startswith("test_") or leaf == "conftest" for leaf in leaves):
                imported.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert imported == [], "what tests share belongs in tests/support/"


def test_what_the_tests_share_lives_in_tests_support():
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in modules_of_the_tests()
        if path.parent != TESTS / "support"
        and path.name not in ("__init__.py", "conftest.py")
        and not path.name.startswith("test_")
    ]
    assert elsewhere == [], "a module that is neither tests nor fixtures belongs in tests/support/"
