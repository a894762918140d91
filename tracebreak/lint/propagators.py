"""Propagators and samplers set in code (TB601, TB603, TB701): the Context Law needs a propagator
that extracts and injects in the format its neighbours speak, and a sampler that follows the
caller's decision."""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Function, Hit, called, calls_named, dotted, parents


def _body(function: Function) -> list[ast.stmt]:
    """The statements, without a docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


def _nothing(value: ast.expr | None, context: str) -> bool:
    """None, the context given back unchanged, an empty Context(), or a choice between them."""
    if isinstance(value, ast.IfExp):
        return _nothing(value.body, context) and _nothing(value.orelse, context)
    if isinstance(value, ast.Call):
        return called(value) == "Context" and not value.args
    return (
        value is None or (isinstance(value, ast.Constant) and value.value is None) or dotted(value) == context
    )


def does_nothing(function: Function, context: str = "") -> bool:
    """Every statement is `pass` or a return of nothing (see _nothing); no call is made."""
    body = _body(function)
    return all(
        isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and _nothing(stmt.value, context))
        for stmt in body
    )


def null_propagators(tree: ast.Module) -> set[str]:
    """Classes whose inject does nothing and whose extract gives back the context it was handed."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        methods = {item.name: item for item in node.body if isinstance(item, Function)}
        inject, extract = methods.get("inject"), methods.get("extract")
        if inject and extract and does_nothing(inject) and does_nothing(extract, "context"):
            found.add(node.name)
    return found


def collect(file: PythonFile) -> Facts:
    return Facts(null_propagators=null_propagators(file.tree))


def empty_composite(value: ast.expr) -> bool:
    if not (isinstance(value, ast.Call) and called(value) == "CompositePropagator"):
        return False
    given = value.args[0] if value.args else None
    return given is None or (isinstance(given, ast.List | ast.Tuple) and not given.elts)


# Formats other than W3C Trace Context, from the official propagator packages.
OTHER_FORMATS = {"B3MultiFormat", "B3SingleFormat", "B3Format", "JaegerPropagator", "OTTracePropagator"}


def other_formats_only(value: ast.Call) -> list[str]:
    """The formats registered, where every one of them is another format than W3C's; else []."""
    given = value.args[0] if called(value) == "CompositePropagator" and value.args else None
    members = given.elts if isinstance(given, ast.List | ast.Tuple) else [value]
    names = [called(m) if isinstance(m, ast.Call) else "" for m in members]
    return names if names and all(name in OTHER_FORMATS for name in names) else []


def propagators(tree: ast.Module, facts: Facts) -> Iterator[Hit]:
    for call in calls_named(tree, "set_global_textmap"):
        value = call.args[0] if call.args else None
        if not isinstance(value, ast.Call):
            continue
        if empty_composite(value) or called(value) in facts.null_propagators:
            message = (
                f"set_global_textmap({dotted(value.func)}(...)) registers a propagator that does nothing"
            )
            yield Hit.at("TB601", call, message)
        elif formats := other_formats_only(value):
            message = (
                f"set_global_textmap registers {', '.join(formats)} without W3C Trace Context: a W3C "
                "neighbour neither reads what it writes nor writes what it reads"
            )
            yield Hit.at("TB603", call, message)


SELF_DECIDING_CALLS = ("TraceIdRatioBased", "StaticSampler")
SELF_DECIDING_VALUES = ("ALWAYS_ON", "ALWAYS_OFF")


def self_deciding(tree: ast.Module) -> Iterator[tuple[ast.expr, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called(node) in SELF_DECIDING_CALLS:
            yield node, called(node)
        elif (
            isinstance(node, ast.Name | ast.Attribute)
            and dotted(node).rpartition(".")[2] in SELF_DECIDING_VALUES
        ):
            yield node, dotted(node)


def used_as_sampler(node: ast.expr, above: dict[ast.AST, ast.AST]) -> bool:
    """Given as a sampler (`sampler=`, TracerProvider's argument), kept as one (a name saying so), or
    asked to decide (`.should_sample`); not merely passed along as a value, e.g. to ParentBased."""
    parent = above.get(node)
    if isinstance(parent, ast.keyword):
        owner = above.get(parent)
        return parent.arg == "sampler" and not (
            isinstance(owner, ast.Call) and called(owner) == "ParentBased"
        )
    if isinstance(parent, ast.Call):
        return called(parent) == "TracerProvider" and parent.func is not node
    if isinstance(parent, ast.Assign | ast.AnnAssign):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any("sampler" in dotted(target).lower() for target in targets)
    return isinstance(parent, ast.Attribute) and parent.attr == "should_sample"


def samplers(tree: ast.Module) -> Iterator[Hit]:
    above = parents(tree)
    for node, name in self_deciding(tree):
        if used_as_sampler(node, above):
            message = f"{name} decides alone: where it drops a trace the caller kept, the trace stops"
            yield Hit.at("TB701", node, message)


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    yield from propagators(file.tree, facts)
    yield from samplers(file.tree)
