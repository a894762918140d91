"""What the whole set of files says, gathered before any file is judged: an instrumentation applied in
one module (telemetry.py, say) covers the clients made in every other."""

import ast
from dataclasses import dataclass, field

from tracebreak.lint.syntax import called, dotted


@dataclass
class Facts:
    instrumented: set[str] = field(default_factory=set)  # instrumentor classes whose instrument() runs
    null_propagators: set[str] = field(default_factory=set)  # classes that neither extract nor inject
    log_injection: bool = False  # trace context is injected into log records somewhere
    log_correlation_env: bool = False  # OTEL_PYTHON_LOG_CORRELATION=true is set somewhere
    zero_code: str = ""  # how a service is started under zero-code instrumentation, if one is
    tracing_formatters: set[str] = field(default_factory=set)  # log formatter classes that write trace ids
    traced: set[str] = field(default_factory=set)  # modules, by file stem, that import OpenTelemetry
    imports: dict[str, set[str]] = field(default_factory=dict)  # by file stem: every part of its imports

    def add(self, other: "Facts") -> None:
        self.instrumented |= other.instrumented
        self.null_propagators |= other.null_propagators
        self.log_injection = self.log_injection or other.log_injection or other.log_correlation_env
        self.log_correlation_env = self.log_correlation_env or other.log_correlation_env
        self.zero_code = self.zero_code or other.zero_code
        self.tracing_formatters |= other.tracing_formatters
        self.traced |= other.traced
        for module, names in other.imports.items():
            self.imports.setdefault(module, set()).update(names)

    def covers(self, *instrumentors: str) -> bool:
        return bool(self.instrumented.intersection(instrumentors))


def instances(tree: ast.AST) -> dict[str, str]:
    """Names bound to an instrumentor, anywhere in the module: `instrumentor = LoggingInstrumentor()`."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            made = called(node.value)
            if "Instrumentor" in made:
                found.update({dotted(target): made for target in node.targets})
    return found


def instrumentor(call: ast.Call, bound: dict[str, str]) -> str | None:
    """The instrumentor class an `X().instrument(...)` or `x.instrument(...)` call applies."""
    if called(call) != "instrument" or not isinstance(call.func, ast.Attribute):
        return None
    receiver = call.func.value
    if isinstance(receiver, ast.Call):
        return called(receiver) if "Instrumentor" in called(receiver) else None
    return bound.get(dotted(receiver))


def applied(tree: ast.AST) -> set[str]:
    bound = instances(tree)
    found = {instrumentor(node, bound) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return found - {None}  # type: ignore[return-value]
