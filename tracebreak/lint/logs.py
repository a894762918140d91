"""Logging (TB801, TB802): a log line is found from its trace only if it carries the trace id.

LoggingInstrumentor injects the trace context into log records only when asked: inject_trace_context
or set_logging_format (or OTEL_PYTHON_LOG_CORRELATION=true). The keyword may be decided by a caller: a
function that calls instrument(**options) with its own `**options` forwards the choice, and then each
call of that function (a module function, or a method called on self) is judged as the instrument
call would be. A forwarder nobody calls in the module is not judged.

Logging set up by hand is configuring it too: a handler given a formatter (`handler.setFormatter(
JsonFormatter(...))`, the formatter made there or bound to a name first) writes lines without a trace
id when nothing injects the trace context and the formatter adds none itself: its format names no
trace id field, and it is not a class of the code checked that writes one (reads the current span).
Under zero-code instrumentation the launcher instruments logging, but puts the trace id in records only
with OTEL_PYTHON_LOG_CORRELATION=true.
"""

import ast
import re
from collections.abc import Iterator

from tracebreak.lint.environment import LOG_CORRELATION
from tracebreak.lint.facts import Facts, applied, instances, instrumentor
from tracebreak.lint.scope import Scope
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Function, Hit, called, calls, calls_named, dotted

INJECTING = ("inject_trace_context", "set_logging_format")
CONFIGURING = ("basicConfig", "dictConfig", "fileConfig")
TRACE_FIELD = re.compile(r"trace_?id|get_current_span|span_context", re.IGNORECASE)


def injects(call: ast.Call) -> bool:
    return any(
        k.arg in INJECTING and not (isinstance(k.value, ast.Constant) and not k.value.value)
        for k in call.keywords
    )


def forwards(call: ast.Call, function: Function | None) -> bool:
    """The call passes on the `**options` its function was given."""
    options = function.args.kwarg.arg if function and function.args.kwarg else None
    return options is not None and any(k.arg is None and dotted(k.value) == options for k in call.keywords)


def instrument_calls(file: PythonFile, scope: Scope) -> Iterator[tuple[ast.Call, Function | None]]:
    bound = instances(file.tree)
    places: list[tuple[ast.AST, Function | None]] = [(file.tree, None)]
    for place, function in [*places, *((f, f) for f in scope.functions.values())]:
        for call in calls(place):
            if instrumentor(call, bound) == "LoggingInstrumentor":
                yield call, function


def decisive_calls(file: PythonFile) -> Iterator[ast.Call]:
    """The calls that decide whether trace context is injected: instrument calls that do not forward
    their function's options, and the calls of forwarders that do not forward theirs in turn."""
    scope = Scope.of(file.tree)
    pending = list(instrument_calls(file, scope))
    forwarders: set[Function] = set()
    while pending:
        call, function = pending.pop()
        if function is not None and forwards(call, function):
            if function not in forwarders:
                forwarders.add(function)
                pending.extend(callers(scope, function))
        else:
            yield call


def callers(scope: Scope, target: Function) -> Iterator[tuple[ast.Call, Function]]:
    for function in scope.functions.values():
        for call in calls(function):
            if scope.callee(call, function) is target:
                yield call, function


def tracing_formatters(tree: ast.Module) -> set[str]:
    """Formatter classes of the module that write a trace id (they read the current span); only a
    name ending in Formatter is ever looked up (traceless), so no other class is unparsed."""
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and node.name.lower().endswith("formatter")
        and TRACE_FIELD.search(ast.unparse(node))
    }


def collect(file: PythonFile) -> Facts:
    return Facts(
        instrumented=applied(file.tree),
        log_injection=any(map(injects, decisive_calls(file))),
        tracing_formatters=tracing_formatters(file.tree),
    )


def formatter(given: ast.expr, tree: ast.Module) -> ast.Call | None:
    """The formatter a handler is given: made in the call, or the last one bound to the name passed."""
    if isinstance(given, ast.Call):
        return given
    bound = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and dotted(given) in map(dotted, node.targets)
    ]
    return bound[-1] if bound else None


def traceless(tree: ast.Module, facts: Facts) -> Iterator[tuple[ast.Call, ast.Call]]:
    """Each setFormatter call whose formatter writes no trace id, with the formatter's call."""
    for call in calls_named(tree, "setFormatter"):
        made = formatter(call.args[0], tree) if call.args else None
        if made is None or not called(made).lower().endswith("formatter"):
            continue
        if called(made) not in facts.tracing_formatters and not TRACE_FIELD.search(ast.unparse(made)):
            yield call, made


def launched(facts: Facts) -> str:
    if not facts.zero_code:
        return ""
    return f" (the zero-code launcher at {facts.zero_code} adds it only with {LOG_CORRELATION}=true)"


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    if not facts.log_correlation_env:
        for call in decisive_calls(file):
            if not injects(call):
                message = f"{dotted(call.func)}(...) sets logging up without trace-context injection"
                yield Hit.at("TB801", call, message)
    if not facts.log_injection:
        for call in calls_named(file.tree, *CONFIGURING):
            message = f"{dotted(call.func)}(...) configures logging, and nothing injects the trace context"
            yield Hit.at("TB802", call, message + launched(facts))
        for call, made in traceless(file.tree, facts):
            message = (
                f"{dotted(call.func)}({dotted(made.func)}(...)) writes log lines with no trace id field,"
                " and nothing injects the trace context"
            )
            yield Hit.at("TB802", call, message + launched(facts))
