"""Exception handling (TB901): an error swallowed into a default leaves the span unset, and the
failure surfaces further up, where no span says why.

A handler is judged when it catches everything (bare `except`, Exception, BaseException) or when its
`try` runs inside a span (a `with ...start_as_current_span(...)`/`start_span`/`use_span` of the same
function). It is a finding when it returns a default (a literal, None, a bare return, an empty or
literal container) with nothing recorded before the return on its path: the exception counts as
recorded by span.record_exception, span.set_status, logger.exception (the traceback, logged with
the trace id), or a raise.
"""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Hit, called, calls, dotted, guarded, parents

BROAD = ("Exception", "BaseException")
SPANS = ("start_as_current_span", "start_span", "use_span")
RECORDING = ("record_exception", "set_status", "exception")


def broad(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return caught is None or any(dotted(name).rpartition(".")[2] in BROAD for name in names)


def in_span(node: ast.AST, above: dict[ast.AST, ast.AST]) -> bool:
    """Inside a span's `with`, up to the function that holds it."""
    while (node := above.get(node)) is not None and not isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef
    ):
        if isinstance(node, ast.With | ast.AsyncWith) and any(
            called(item.context_expr) in SPANS
            for item in node.items
            if isinstance(item.context_expr, ast.Call)
        ):
            return True
    return False


def default(value: ast.expr | None) -> bool:
    if value is None or isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return all(default(item) for item in value.elts)
    if isinstance(value, ast.Dict):
        return all(default(item) for item in [*value.keys, *value.values])
    return False


def records(node: ast.AST) -> bool:
    return isinstance(node, ast.Raise) or any(called(call) in RECORDING for call in calls(node))


def silent_returns(handler: ast.ExceptHandler) -> Iterator[ast.Return]:
    for node, recorded in guarded(handler.body, records):
        if isinstance(node, ast.Return) and not recorded and default(node.value):
            yield node


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    above = parents(file.tree)
    for node in ast.walk(file.tree):
        if not isinstance(node, ast.Try | ast.TryStar):
            continue
        for handler in node.handlers:
            if not (broad(handler) or in_span(node, above)):
                continue
            caught = (dotted(handler.type) or "these errors") if handler.type else "everything"
            for returned in silent_returns(handler):
                message = f"the handler of {caught} returns a default, nothing recorded on the span"
                yield Hit.at("TB901", returned, message)
