"""Kafka consumers (TB401): a record's processing must run under the context extracted from its
headers. The aiokafka instrumentation's CONSUMER span has ended by the time user code runs.

Records are the names bound by iterating a consumer, or by its getone() or poll(), and those bound by
iterating a batch: aiokafka's getmany() maps each partition to its records (`for tp, batch in (await
consumer.getmany()).items(): for record in batch`), confluent-kafka's consume() is a list. A record handed
on whole to a function of the same module is followed into it when that function (or one it hands
the record to) extracts; anything else a record is handed to, with no extract before it, is a
finding, as is a span started for a record without one. A record's fields (record.value,
record.headers) are data, not the record: reading them is not processing it.
"""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.scope import Scope
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import (
    Function,
    Hit,
    bound_names,
    called,
    calls,
    dotted,
    guarded,
    keyword,
)

FETCHES = ("getone", "poll")  # each a record
MANY, CONSUME = "getmany", "consume"  # aiokafka: records by partition; confluent-kafka: a list
SPAN_STARTS = ("start_as_current_span", "start_span")
# Handing a record to these is describing it, not processing it.
DESCRIBERS = {"debug", "info", "warning", "error", "exception", "critical", "log", "print", "repr", "str"}


def consumer(node: ast.AST) -> bool:
    return "consumer" in dotted(node).rpartition(".")[2].lower()


def extracts(node: ast.AST) -> bool:
    return any(called(call) == "extract" for call in calls(node)) or (
        isinstance(node, ast.Call) and called(node) == "extract"
    )


def fetched(value: ast.expr, fetches: tuple[str, ...] = FETCHES) -> bool:
    """`await consumer.getone()`, `consumer.poll(...)` (or another of a consumer's `fetches`)."""
    value = value.value if isinstance(value, ast.Await) else value
    return (
        isinstance(value, ast.Call)
        and called(value) in fetches
        and isinstance(value.func, ast.Attribute)
        and consumer(value.func.value)
    )


def assigned(function: Function, *fetches: str) -> set[str]:
    """Names bound to what one of a consumer's `fetches` returns: `batch = await consumer.getmany()`."""
    return {
        name
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and fetched(node.value, fetches)
        for name in set().union(*(bound_names(t) for t in node.targets))
    }


def by_partition(loop: ast.For | ast.AsyncFor, mappings: set[str]) -> set[str]:
    """The list bound by `for tp, batch in getmany_result.items()` (or `.values()`)."""
    if not isinstance(loop.iter, ast.Call) or called(loop.iter) not in ("items", "values"):
        return set()
    mapping = loop.iter.func.value if isinstance(loop.iter.func, ast.Attribute) else None
    if mapping is None or not (fetched(mapping, (MANY,)) or dotted(mapping) in mappings):
        return set()
    target = loop.target
    return bound_names(target.elts[-1] if isinstance(target, ast.Tuple) and target.elts else target)


def batches(function: Function) -> set[str]:
    """Names bound to a list of records: a consume() result, and each partition's list of a getmany()."""
    mappings, found = assigned(function, MANY), assigned(function, CONSUME)
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.AsyncFor):
            found |= by_partition(node, mappings)
    return found


def records(function: Function) -> set[str]:
    """Names bound to a consumed record in `function`."""
    found = assigned(function, *FETCHES)
    many = batches(function)
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.AsyncFor) and (
            consumer(node.iter) or fetched(node.iter, (CONSUME,)) or dotted(node.iter) in many
        ):
            found |= bound_names(node.target)
    return found


def extract_reaches(scope: Scope, function: Function, seen: frozenset[Function] = frozenset()) -> bool:
    """Whether `function`, or a function of its module it calls, extracts."""
    inner = (scope.callee(call, function) for call in calls(function))
    return extracts(function) or any(
        f is not None and f not in seen and extract_reaches(scope, f, seen | {function}) for f in inner
    )


def handed(call: ast.Call, held: set[str]) -> str | None:
    """The record a call receives whole, if any."""
    given = [*call.args, *(k.value for k in call.keywords)]
    return next((dotted(arg) for arg in given if dotted(arg) in held), None)


def judge(scope: Scope, function: Function, held: set[str], seen: frozenset[Function]) -> Iterator[Hit]:
    for node, extracted in guarded(function.body, extracts):
        if extracted:
            continue
        for call in [node, *calls(node)] if isinstance(node, ast.Call) else calls(node):
            yield from event(scope, function, call, held, seen)


def event(
    scope: Scope, function: Function, call: ast.Call, held: set[str], seen: frozenset[Function]
) -> Iterator[Hit]:
    if called(call) in SPAN_STARTS and keyword(call, "context") is None and held:
        yield Hit.at(
            "TB401", call, f"{dotted(call.func)}(...) starts a record's span with no extract: a new trace"
        )
        return
    record = handed(call, held)
    if record is None or called(call) in DESCRIBERS:
        return
    callee = scope.callee(call, function)
    if callee is not None and callee not in seen and extract_reaches(scope, callee):
        parameter = scope.parameter(callee, call, record)
        yield from judge(scope, callee, {parameter} if parameter else set(), seen | {callee})
        return
    message = f"{record} goes to {dotted(call.func)}(...) with no propagate.extract of its headers before it"
    yield Hit.at("TB401", call, message)


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    scope = Scope.of(file.tree)
    for function in scope.functions.values():
        held = records(function)
        if held:
            yield from judge(scope, function, held, frozenset({function}))
