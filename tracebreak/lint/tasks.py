"""Tasks, executors and threads: work that runs later or elsewhere must carry the context it was
started in (TB101, TB102, TB201, TB202); a worker that outlives the request must not keep the
request's (TB103)."""

import ast
from collections.abc import Iterator

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import PythonFile
from tracebreak.lint.syntax import Hit, bound_names, called, calls, calls_named, dotted, functions, keyword

SCHEDULERS = ("create_task", "call_soon", "call_soon_threadsafe", "call_later", "call_at")
CONTEXT_CARRIERS = ("copy_context", "attach")
THREADING = "ThreadingInstrumentor"  # patches Thread and ThreadPoolExecutor to carry the context


def fresh_context(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Call) and called(node) == "Context" and not node.args


def carries(target: ast.expr | None) -> bool:
    """Whether a callable runs inside a carried context: `ctx.run`, `copy_context().run`, or a partial."""
    if isinstance(target, ast.Call) and called(target) == "partial" and target.args:
        return carries(target.args[0])
    return target is not None and dotted(target).endswith(".run")


def fresh_tasks(tree: ast.Module, workers: list[ast.Call]) -> Iterator[Hit]:
    """TB101; `workers` are the module's lazy starts."""
    lazy = {id(call) for call in workers}
    for call in calls_named(tree, *SCHEDULERS):
        # For a worker that outlives the request, an empty context is the fix (TB103), not the bug.
        if fresh_context(keyword(call, "context")) and id(call) not in lazy:
            message = (
                f"{dotted(call.func)}(..., context=Context()) runs in an empty context: its spans are roots"
            )
            yield Hit.at("TB101", call, message)
    for call in calls_named(tree, "run"):
        if isinstance(call.func, ast.Attribute) and fresh_context(call.func.value):
            yield Hit.at(
                "TB101", call, "Context().run(...) runs the work in an empty context: its spans are roots"
            )


def unset(test: ast.expr) -> str | None:
    """What `if X is None:` or `if not X:` asks about, as written."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.unparse(test.operand)
    if isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Is) and len(test.ops) == 1:
        right = test.comparators[0]
        return ast.unparse(test.left) if isinstance(right, ast.Constant) and right.value is None else None
    return None


def lazy_starts(tree: ast.Module) -> Iterator[ast.Call]:
    """Workers started the first time they are needed: `if self._pump is None: self._pump =
    asyncio.create_task(...)`, the task kept for later calls to find."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or (held := unset(node.test)) is None:
            continue
        for statement in (n for part in node.body for n in ast.walk(part)):
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Call)
                and called(statement.value) == "create_task"
                and held in {ast.unparse(t) for t in statement.targets}
            ):
                yield statement.value


def request_context_workers(workers: list[ast.Call]) -> Iterator[Hit]:
    for call in workers:
        if keyword(call, "context") is None:
            message = (
                f"{dotted(call.func)}(...) started lazily keeps the context of the request that first "
                "needed it: start it with context=Context() (or at start-up)"
            )
            yield Hit.at("TB103", call, message)


def carries_context(call: ast.Call) -> bool:
    """copy_context(), context.attach(...), ctx.run(...), or work started with context=..."""
    return called(call) in CONTEXT_CARRIERS or carries(call.func) or keyword(call, "context") is not None


def queue_gets(loop: ast.While, queues: set[str]) -> Iterator[ast.Call]:
    for call in calls_named(loop, "get"):
        receiver = dotted(call.func)[: -len(".get")]
        if receiver in queues or "queue" in receiver.rpartition(".")[2].lower():
            yield call


def queue_workers(tree: ast.Module) -> Iterator[Hit]:
    queues = made_by(tree, "Queue")
    for function, _ in functions(tree):
        if any(carries_context(c) for c in calls(function)):
            continue
        for loop in (n for n in ast.walk(function) if isinstance(n, ast.While)):
            for get in queue_gets(loop, queues):
                queue = dotted(get.func).removesuffix(".get")
                message = f"{function.name} takes items off {queue} and runs them in its own start-up context"
                yield Hit.at("TB102", get, message)


def made_by(tree: ast.Module, *classes: str) -> set[str]:
    """Names bound to an instance of one of `classes`, by assignment or `with ... as`."""

    def made(value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and called(value) in classes

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and made(node.value):
            found |= set().union(*(bound_names(t) for t in assigned(node)))
        if isinstance(node, ast.withitem) and node.optional_vars is not None and made(node.context_expr):
            found |= bound_names(node.optional_vars)
    return found


def assigned(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def carried_names(tree: ast.Module) -> set[str]:
    """Names bound to carried work: `work = functools.partial(ctx.run, fn)`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and carries(node.value):
            found |= set().union(*(bound_names(t) for t in node.targets))
    return found


def uncarried(rule: str, call: ast.Call, work: ast.expr, where: str) -> Hit:
    return Hit.at(rule, call, f"{where} runs {dotted(work) or 'its function'} without the caller's context")


def executors(tree: ast.Module) -> Iterator[Hit]:
    carried = carried_names(tree)
    for call in calls_named(tree, "run_in_executor"):
        if len(call.args) >= 2 and not carries(call.args[1]) and dotted(call.args[1]) not in carried:
            yield uncarried("TB201", call, call.args[1], "run_in_executor")
    pools = made_by(tree, "ThreadPoolExecutor")
    for call in calls_named(tree, "submit"):
        if dotted(call.func).removesuffix(".submit") in pools and call.args and not carries(call.args[0]):
            yield uncarried("TB201", call, call.args[0], dotted(call.func))
    for call in calls_named(tree, "Thread"):
        target = keyword(call, "target") or (call.args[1] if len(call.args) > 1 else None)
        if target is not None and not carries(target):
            yield uncarried("TB202", call, target, "the thread")


def check(file: PythonFile, facts: Facts) -> Iterator[Hit]:
    workers = list(lazy_starts(file.tree))
    yield from fresh_tasks(file.tree, workers)
    yield from request_context_workers(workers)
    yield from queue_workers(file.tree)
    if not facts.covers(THREADING):
        yield from executors(file.tree)
