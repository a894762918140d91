"""gRPC channels and servers, HTTP clients: each needs its instrumentation, made on the object itself
or applied to its library anywhere in the code checked (TB301, TB302, TB501), or applied to them all by
a zero-code launcher (see launch); a script that traces nothing has no context to lose (see programs).
Names are read through the module's imports: `import grpc as g` makes `g.insecure_channel` a gRPC
channel, `from httpx import AsyncClient` an httpx client. A request made where the function itself
injects the trace context (`propagate.inject(headers)`, the headers then passed by hand) carries it
without instrumentation."""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.programs import untraced
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import (
    Hit,
    bound_names,
    called,
    calls_named,
    dotted,
    enclosing,
    every_call,
    imported,
    keyword,
    parents,
    qualified,
)

CHANNELS = ("insecure_channel", "secure_channel")
GRPC_CLIENT = {"sync": ("GrpcInstrumentorClient",), "aio": ("GrpcAioInstrumentorClient",)}
GRPC_SERVER = {"sync": ("GrpcInstrumentorServer",), "aio": ("GrpcAioInstrumentorServer",)}
# The client constructors and module-level request functions of each library, and what instruments it.
HTTP_CLIENTS = {
    "httpx": (
        {"Client", "AsyncClient", "get", "post", "put", "patch", "delete", "request", "stream"},
        "HTTPXClientInstrumentor",
    ),
    "aiohttp": ({"ClientSession", "request"}, "AioHttpClientInstrumentor"),
    "requests": (
        {"Session", "get", "post", "put", "patch", "delete", "head", "request"},
        "RequestsInstrumentor",
    ),
    "urllib3": ({"PoolManager", "request"}, "URLLib3Instrumentor"),
}


def made(tree: ast.Module, bound: dict[str, str], *names: str) -> Iterator[tuple[ast.Call, str]]:
    """The calls whose last name, read through the imports (`bound`), is one of `names`, with the full
    name."""
    for call in every_call(tree):
        name = qualified(call.func, bound)
        if name.rpartition(".")[2] in names:
            yield call, name


def flavour(name: str) -> str | None:
    """ "aio" for grpc.aio.*, "sync" for grpc.*, None for anything else called the same."""
    if not name.startswith("grpc."):
        return None
    return "aio" if name.startswith("grpc.aio.") else "sync"


def has_interceptors(call: ast.Call) -> bool:
    given = keyword(call, "interceptors")
    return given is not None and not (isinstance(given, ast.List | ast.Tuple) and not given.elts)


def intercepted(tree: ast.Module) -> tuple[set[ast.AST], set[str]]:
    """The channels wrapped by grpc.intercept_channel: the call nodes, and the names passed."""
    wrapped = [call.args[0] for call in calls_named(tree, "intercept_channel") if call.args]
    return set(wrapped), {dotted(node) for node in wrapped} - {""}


def channels(
    tree: ast.Module, facts: Facts, bound: dict[str, str], above: dict[ast.AST, ast.AST]
) -> Iterator[Hit]:
    nodes, names = intercepted(tree)
    for call, name in made(tree, bound, *CHANNELS):
        kind = flavour(name)
        if kind is None or facts.covers(*GRPC_CLIENT[kind]) or has_interceptors(call) or call in nodes:
            continue
        assigned = above.get(call)
        if isinstance(assigned, ast.Assign) and names & set().union(*map(bound_names, assigned.targets)):
            continue
        message = f"{name}(...) has no OpenTelemetry interceptor: calls on it carry no traceparent"
        yield Hit.at("TB301", call, message)


def servers(tree: ast.Module, facts: Facts, bound: dict[str, str]) -> Iterator[Hit]:
    for call, name in made(tree, bound, "server"):
        kind = flavour(name)
        if kind is None or facts.covers(*GRPC_SERVER[kind]) or has_interceptors(call):
            continue
        message = f"{name}(...) has no OpenTelemetry interceptor: every call starts a new trace"
        yield Hit.at("TB302", call, message)


def per_client(tree: ast.Module) -> bool:
    """httpx's instrument_client(client): the module instruments its clients one by one."""
    return any(True for _ in calls_named(tree, "instrument_client"))


def injected(call: ast.Call, above: dict[ast.AST, ast.AST]) -> bool:
    """The function the call is in injects the trace context into a carrier of its own."""
    return any(called(inner) == "inject" for inner in every_call(enclosing(call, above)))


def http_clients(
    tree: ast.Module, facts: Facts, bound: dict[str, str], above: dict[ast.AST, ast.AST]
) -> Iterator[Hit]:
    for call in every_call(tree):
        library, _, name = qualified(call.func, bound).rpartition(".")
        makers, instrumentor = HTTP_CLIENTS.get(library, (set(), ""))
        if name not in makers or facts.covers(instrumentor) or injected(call, above):
            continue
        if keyword(call, "trace_configs") is not None or (library == "httpx" and per_client(tree)):
            continue
        message = (
            f"{library}.{name}(...) while {instrumentor} runs nowhere: its requests carry no traceparent"
        )
        yield Hit.at("TB501", call, message)


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    if facts.zero_code or untraced(file, facts):
        return
    bound, above = imported(file.tree), parents(file.tree)  # read once for the three checks
    yield from channels(file.tree, facts, bound, above)
    yield from servers(file.tree, facts, bound)
    yield from http_clients(file.tree, facts, bound, above)
