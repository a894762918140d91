"""gRPC channels and servers, HTTP clients: each needs its instrumentation, made on the object itself
or applied to its library anywhere in the code checked (TB301, TB302, TB501)."""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Hit, bound_names, calls_named, dotted, every_call, keyword, parents

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


def flavour(call: ast.Call) -> str | None:
    """ "aio" for grpc.aio.*, "sync" for grpc.*, None for anything else called the same."""
    name = dotted(call.func)
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


def channels(tree: ast.Module, facts: Facts) -> Iterator[Hit]:
    nodes, names = intercepted(tree)
    above = parents(tree)
    for call in calls_named(tree, *CHANNELS):
        kind = flavour(call)
        if kind is None or facts.covers(*GRPC_CLIENT[kind]) or has_interceptors(call) or call in nodes:
            continue
        assigned = above.get(call)
        if isinstance(assigned, ast.Assign) and names & set().union(*map(bound_names, assigned.targets)):
            continue
        message = (
            f"{dotted(call.func)}(...) has no OpenTelemetry interceptor: calls on it carry no traceparent"
        )
        yield Hit.at("TB301", call, message)


def servers(tree: ast.Module, facts: Facts) -> Iterator[Hit]:
    for call in calls_named(tree, "server"):
        kind = flavour(call)
        if kind is None or facts.covers(*GRPC_SERVER[kind]) or has_interceptors(call):
            continue
        message = f"{dotted(call.func)}(...) has no OpenTelemetry interceptor: every call starts a new trace"
        yield Hit.at("TB302", call, message)


def per_client(tree: ast.Module) -> bool:
    """httpx's instrument_client(client): the module instruments its clients one by one."""
    return any(True for _ in calls_named(tree, "instrument_client"))


def http_clients(tree: ast.Module, facts: Facts) -> Iterator[Hit]:
    for call in every_call(tree):
        library, _, name = dotted(call.func).rpartition(".")
        made, instrumentor = HTTP_CLIENTS.get(library, (set(), ""))
        if name not in made or facts.covers(instrumentor):
            continue
        if keyword(call, "trace_configs") is not None or (library == "httpx" and per_client(tree)):
            continue
        message = (
            f"{library}.{name}(...) while {instrumentor} runs nowhere: its requests carry no traceparent"
        )
        yield Hit.at("TB501", call, message)


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    yield from channels(file.tree, facts)
    yield from servers(file.tree, facts)
    yield from http_clients(file.tree, facts)
