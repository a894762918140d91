"""Small readings of Python's ast that every rule family shares."""

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Function = ast.FunctionDef | ast.AsyncFunctionDef
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class Hit:
    """What a rule saw, before it becomes a Finding: the rule, where, and what in one line."""

    rule: str
    line: int
    column: int  # 1-based
    message: str

    @classmethod
    def at(cls, rule: str, node: ast.AST, message: str) -> "Hit":
        return cls(rule, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)


def dotted(node: ast.AST) -> str:
    """`grpc.aio.insecure_channel`, `self._bare`, `LoggingInstrumentor().instrument`; "" otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted(node.func)}()"
    return ""


def called(call: ast.Call) -> str:
    """The last name of what a call calls: `create_task` for `asyncio.create_task(...)`."""
    return dotted(call.func).rpartition(".")[2]


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def shallow(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under `node`, not entering nested functions, lambdas or classes."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, NESTED):
            yield from shallow(child)


def calls(node: ast.AST) -> Iterator[ast.Call]:
    return (n for n in shallow(node) if isinstance(n, ast.Call))


def every_call(node: ast.AST) -> Iterator[ast.Call]:
    """Every call under `node`, nested functions and classes included."""
    return (n for n in ast.walk(node) if isinstance(n, ast.Call))


def calls_named(node: ast.AST, *names: str) -> Iterator[ast.Call]:
    """Every call under `node` (nested functions included) whose last name is one of `names`."""
    return (call for call in every_call(node) if called(call) in names)


def functions(tree: ast.Module) -> Iterator[tuple[Function, ast.ClassDef | None]]:
    """Every function of a module, with the class it is a method of."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, Function):
                    yield item, node
        elif isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            for item in node.body:
                if isinstance(item, Function):
                    yield item, None


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def bound_names(target: ast.AST) -> set[str]:
    """The names an assignment target or loop target binds (`self.x` counts as `self.x`)."""
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(bound_names(t) for t in target.elts))
    return {dotted(target)} - {""}


def _bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.Try | ast.TryStar):
        return [stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]
    if isinstance(stmt, ast.Match):
        return [case.body for case in stmt.cases]
    return [getattr(stmt, name) for name in ("body", "orelse") if hasattr(stmt, name)]


def _headers(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return list(stmt.items)
    return [getattr(stmt, name) for name in ("test", "iter", "subject") if hasattr(stmt, name)]


def guarded(
    body: list[ast.stmt], guard: Callable[[ast.AST], bool], done: bool = False
) -> Iterator[tuple[ast.AST, bool]]:
    """Each simple statement and compound header, with whether a `guard` statement dominates it: one
    earlier in the same block or an enclosing one, or an enclosing `with` item."""
    for stmt in body:
        if isinstance(stmt, NESTED):
            continue
        headers = _headers(stmt)
        if not headers and not _bodies(stmt):
            done = done or guard(stmt)
            yield stmt, done
            continue
        for header in headers:
            yield header, done or guard(header)
        inner = done or (isinstance(stmt, ast.With | ast.AsyncWith) and any(guard(h) for h in headers))
        for block in _bodies(stmt):
            yield from guarded(block, guard, inner)


def imported(tree: ast.Module) -> dict[str, str]:
    """What each name bound by an import stands for: `g` for `grpc` (`import grpc as g`), `aio` for
    `grpc.aio` (`from grpc import aio`), `AsyncClient` for `httpx.AsyncClient`."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update({alias.asname: alias.name for alias in node.names if alias.asname})
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
    return names


def qualified(node: ast.AST, names: dict[str, str]) -> str:
    """`dotted`, its first name read through the module's imports (see `imported`)."""
    first, dot, rest = dotted(node).partition(".")
    return names.get(first, first) + dot + rest


def enclosing(node: ast.AST, above: dict[ast.AST, ast.AST]) -> ast.AST:
    """The function (or, at top level, the module) a node is in."""
    while node in above and not isinstance(node, Function):
        node = above[node]
    return node
