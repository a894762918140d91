"""Baggage that grows with the data (TB604): set_baggage in a loop, or with a serialised object as its
value. The W3C propagator caps baggage at 8,192 bytes and drops, on inject, whatever follows."""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Hit, called, calls_named, parents

LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
SERIALISERS = ("dumps", "b64encode", "urlsafe_b64encode")
# Where a loop around a call stops counting: a function's body runs when called, not per turn. (Not
# syntax.NESTED: a class body runs where it stands, once per turn of a loop around it.)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _in_loop(node: ast.AST, above: dict[ast.AST, ast.AST]) -> bool:
    """Inside a loop or comprehension of the function it is called in."""
    current = above.get(node)
    while current is not None and not isinstance(current, SCOPES):
        if isinstance(current, LOOPS):
            return True
        current = above.get(current)
    return False


def _serialised(call: ast.Call) -> str | None:
    value = call.args[1] if len(call.args) > 1 else None
    serialiser = called(value) if isinstance(value, ast.Call) else None
    return serialiser if serialiser in SERIALISERS else None


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    above = parents(file.tree)
    for call in calls_named(file.tree, "set_baggage"):
        if _in_loop(call, above):
            yield Hit.at("TB604", call, "set_baggage in a loop: baggage grows with the data it loops over")
        elif serialiser := _serialised(call):
            yield Hit.at("TB604", call, f"set_baggage with a {serialiser}(...) value: an object in baggage")
