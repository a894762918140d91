"""A trainee follows one request by opening the services' server.py files: C's reads top to bottom as
the Context Law at a Kafka boundary, its breaker is an if/else at the extract, and no two steps of
the request's way share a name. The process-wide logging breaker quotes the calls a reader writes."""

import ast
from collections import Counter
from pathlib import Path

from tracebreak.chaos.catalogue import KAFKA_CONSUMER_NO_EXTRACT, LOGS_WITHOUT_TRACE_ID, where_line
from tracebreak.cli.examples.quotes import branches

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
C_SERVER = SERVICES / "service_c" / "server.py"
STEPS = ["receive", "extract_context", "process", "send_reply"]  # receive, Extract, Process, Inject


def functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    nodes = ast.walk(ast.parse(path.read_text()))
    found = [n for n in nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(found, key=lambda f: f.lineno)


def test_c_s_server_defines_the_four_steps_in_order_and_nothing_of_the_commits():
    names = [f.name for f in functions(C_SERVER)]
    assert [n for n in names if n in STEPS] == STEPS, names
    source = C_SERVER.read_text()
    assert "Semaphore" not in source and ".commit(" not in source  # workers.py holds them


def test_the_consumer_breaker_is_an_if_else_at_the_extract():
    [step] = [f for f in functions(C_SERVER) if f.name == "extract_context"]
    marker = where_line(KAFKA_CONSUMER_NO_EXTRACT)
    [branch] = [n for n in ast.walk(step) if isinstance(n, ast.If) and n.lineno == marker - 1]
    assert branch.orelse and not any(isinstance(n, ast.Return) for n in ast.walk(branch))
    assert "propagate.extract(" in ast.unparse(branch.orelse) and "extract" not in ast.unparse(branch.body)


def test_no_two_steps_of_a_request_s_way_share_a_name():
    """Each name a server.py or client.py defines says one thing (three functions were `enrich`)."""
    files = [p for p in SERVICES.glob("*/*.py") if p.name in ("server.py", "client.py")]
    defined = Counter(name for p in files for name in {f.name for f in functions(p)})
    assert [n for n, count in defined.items() if count > 1 and not n.startswith("__")] == []


def test_the_logging_breaker_s_branches_are_the_calls_a_reader_writes():
    quoted = branches(LOGS_WITHOUT_TRACE_ID)
    wrong, right = quoted.split("# RIGHT")
    assert (
        wrong.count("LoggingInstrumentor().instrument(")
        == right.count("LoggingInstrumentor().instrument(")
        == 1
    )
    assert "inject_trace_context=True" in right and "inject_trace_context" not in wrong
    assert "self._" not in quoted  # no helper between the reader and the call
