"""The examples docs/labs/ quote: per lab, the incident's transcript (the toggle on, the request, its
log lines, the doctor) and the fix verified (the toggle off, the request whole, the doctor clean)."""

import json
import re
import subprocess
import sys
from functools import partial

from tracebreak.chaos.catalogue import CATALOGUE, lab_page, toggle
from tracebreak.cli.examples.framework import Example, Runner, normalized, transcript
from tracebreak.cli.examples.scenes import WHOLE_SPANS, WIRE, Effect, Scene, Shows, healthy, play
from tracebreak.signatures import DROPPED_ON_THE_WAY

LABS = "docs/labs"
REQUEST = "tracebreak request 42"
# A lab starts clean on a stack other labs have used: the reset marks the moment its doctor judges from.
RESET = "tracebreak chaos reset"
DOCTOR = "tracebreak doctor --since reset --settle 1s"
CLEAN_DOCTOR = "tracebreak doctor --since 10s --settle 1s"
LOGS = (
    "grep -h {request_id} .tracebreak/logs/service-*.log"
    " | jq -c '{service: .\"service.name\", trace_id, message}'"
)
# The lab of each breaker, as docs/labs/ names it (tests/unit/test_catalogue.py: every breaker has one).
PAGES = {t.name: page for t in CATALOGUE if t.kind == "breaker" and (page := lab_page(t))}
DESIGNS = {t.name: page for t in CATALOGUE if t.kind == "design" and (page := lab_page(t))}
TOUR = f"{LABS}/00-a-healthy-trace.md"
SAMPLING = f"{LABS}/09-sampling.md"


def lacks(service: str, runner: Runner, request: dict) -> bool:
    return bool(request) and service not in request.get("services", [service])


def fewer_spans(runner: Runner, request: dict) -> bool:
    return request.get("status") == 200 and 0 < request.get("spans", 0) < WHOLE_SPANS


def failed(runner: Runner, request: dict) -> bool:
    return request.get("status") == 502


def log_lines(runner: Runner, request_id: str, service: str) -> list[dict]:
    path = runner.config.data_dir / "logs" / f"{service}.log"
    return [json.loads(line) for line in path.read_text().splitlines() if request_id in line]


def logs_correlated(services: tuple[str, ...], correlated: bool, runner: Runner, request: dict) -> bool:
    """Whether the services' log lines for the request carry a trace id (all of them, or none)."""
    request_id = request.get("request_id") or "-"
    lines = [line for service in services for line in log_lines(runner, request_id, service)]
    return bool(lines) and all((line.get("trace_id") not in (None, "0")) == correlated for line in lines)


def default_tenant(runner: Runner, request: dict) -> bool:
    """C answered with the default tenant's placeholder row: no tenant.id reached it."""
    body = request.get("body")
    return isinstance(body, dict) and body.get("customer") == "default-tenant"


# What each breaker does to `tracebreak request 42 --json` (or its log lines) once it acts.
EFFECT: dict[str, Effect] = {
    "orphan-background-task": fewer_spans,
    "uninstrumented-client": partial(lacks, "service-b"),
    "strip-traceparent-at-lb": partial(lacks, "service-a"),
    "silent-exception-recovery": failed,
    "kafka-consumer-no-extract": fewer_spans,
    "propagator-not-registered": partial(lacks, "service-b"),
    "sampler-not-parent-based": partial(lacks, "service-b"),
    "logs-without-trace-id": partial(logs_correlated, ("service-b",), False),
    "context-leak": fewer_spans,  # the request's notice is written in another request's trace
    "thread-pool-without-context": fewer_spans,
    "propagator-mismatch": partial(lacks, "service-b"),
    "baggage-overflow": default_tenant,
}
# How a lab turns its breaker on, where `chaos on NAME` alone would not do.
CHAOS_ON = {
    "silent-exception-recovery": (  # it acts only on a failure: the database's timeout first
        "tracebreak chaos on downstream-timeout",
        "tracebreak chaos on silent-exception-recovery",
    ),
    "logs-without-trace-id": ("tracebreak chaos on logs-without-trace-id --service service-b",),
    "span-export-overflow": ("tracebreak chaos on span-export-overflow --service service-b",),
}


def chaos_on(name: str) -> tuple[str, ...]:
    return CHAOS_ON.get(name, (f"tracebreak chaos on {name}",))


def unsampled(wire: str) -> bool:
    """A capture in which a service decided not to sample: flags 00 downstream of it."""
    return " 00 " in wire


# Which capture a lab quotes, where not every request shows its break on the wire.
WIRE_SHOWS: dict[str, Shows] = {"sampler-not-parent-based": unsampled}


def incident(name: str) -> Scene:
    steps = (RESET, *chaos_on(name), WIRE, REQUEST, LOGS, DOCTOR)
    names = (str(toggle(name).signature),)
    return Scene(f"{name}-incident", steps, EFFECT[name], wire_shows=WIRE_SHOWS.get(name), names=names)


def origin_shown(runner: Runner, request: dict) -> bool:
    """The timeout no longer swallowed: the request fails, and C's lines for it do not mention the toggle."""
    lines = log_lines(runner, request.get("request_id") or "-", "service-c")
    return failed(runner, request) and bool(lines) and not any("silent" in line["message"] for line in lines)


VERIFY_EFFECT: dict[str, Effect] = {
    "logs-without-trace-id": partial(logs_correlated, ("service-b",), True),
    "silent-exception-recovery": origin_shown,
}
# The fault stays on while the fix is verified: the same timeout, now told; then it ends.
VERIFY_AFTER = {"silent-exception-recovery": ("tracebreak chaos off downstream-timeout",)}


def off(*names: str) -> tuple[str, ...]:
    return tuple(f"tracebreak chaos off {name}" for name in names)


def fixed(name: str) -> Scene:
    steps = (*off(name), REQUEST, LOGS, CLEAN_DOCTOR, *VERIFY_AFTER.get(name, ()))
    return Scene(f"{name}-verify", steps, VERIFY_EFFECT.get(name, healthy), True, given=chaos_on(name))


TOUR_SCENE = Scene("tour", (RESET, REQUEST, LOGS, DOCTOR), healthy, True)
TOTALS = re.compile(r"^<n> requests since")


SIGNATURE_LINE = re.compile(r"^ [a-z][a-z-]+: <n> requests? ")


def doctor_view(output: str) -> str:
    """What must not drift in the doctor's answer: the totals' shape and the line of every signature
    it names (a request left over from another lab adds one); how many requests it judged varies."""
    text = re.sub(r"\b\d+(\.\d+)?%?(?=[ ,)])", "<n>", normalized(output)).replace("<ms>", "<n>")
    text = re.sub(r"<n> (request|ghost span)\b(?!s)", r"<n> \1s", text)  # one of them reads as any number
    lines = text.splitlines()
    keep = [lines[0]] + [line for line in lines if TOTALS.match(line)]
    return "\n".join(keep + sorted(line for line in lines if SIGNATURE_LINE.match(line)))


def examples_of(scene: Scene, page: str) -> list[Example]:
    made = []
    for n, step in enumerate(scene.steps):
        doctor = step.startswith("tracebreak doctor")
        needs = ("jq",) if "| jq" in step else ("tshark",) if step == WIRE else ()
        view = doctor_view if doctor else counts_masked if step == LOAD else normalized
        made.append(
            Example(
                scene.key(n),
                (page,),
                partial(shown_step, scene, n),
                view,
                needs,
                scene.names if doctor else (),
            )
        )
    return made


def shown_step(scene: Scene, n: int, runner: Runner) -> str:
    return play(runner, scene)[scene.key(n)]


def chosen(name: str) -> Scene:
    """A design on: the request's own trace, the trace its log lines name (the batch's), the doctor."""
    steps = (RESET, *chaos_on(name), REQUEST, LOGS, "tracebreak trace {other_trace_id}", DOCTOR)
    return Scene(f"{name}-chosen", steps, fewer_spans)


# A fault of scale shows under load only: a bounded burst, the SDK's own warning, the doctor.
LOAD = "tracebreak load --rps 60 --duration 3s --seed 1"
DROPS = (
    "grep -m1 'Queue full, dropping Span' .tracebreak/logs/service-b.log"
    " | jq -c '{service: .\"service.name\", message}'"
)
PEAK_DOCTOR = f"{DOCTOR} --show 3"
FAULT_LABS = {"span-export-overflow": f"{LABS}/20-spans-dropped-under-load.md"}


def answered(runner: Runner, request: dict) -> bool:
    return request.get("status") == 200


def peak(name: str) -> Scene:
    steps = (RESET, *chaos_on(name), LOAD, DROPS, PEAK_DOCTOR)
    return Scene(f"{name}-peak", steps, answered, names=(DROPPED_ON_THE_WAY.name,))


def peak_over(name: str) -> Scene:
    """The same burst with the fault off: every request whole."""
    return Scene(f"{name}-verify", (*off(name), RESET, LOAD, DOCTOR), healthy, True, given=chaos_on(name))


def counts_masked(output: str) -> str:
    """What must not drift in a load run's report: its shape; its counts and latencies vary (and with
    them the width of its table's rules)."""
    return re.sub(r"━+", "━", re.sub(r"\d+(\.\d+)?", "<n>", normalized(output)))


def lab_examples() -> tuple[Example, ...]:
    made = examples_of(TOUR_SCENE, TOUR)
    for name, page in PAGES.items():
        made += examples_of(incident(name), page)
        made += examples_of(fixed(name), page)
    for name, page in DESIGNS.items():
        made += examples_of(chosen(name), page)
        made += examples_of(fixed(name), page)
    for name, page in FAULT_LABS.items():
        made += examples_of(peak(name), page)
        made += examples_of(peak_over(name), page)
    return tuple(made)


THREADING_MODULE = "tracebreak.lab.executors"
THREADING = f"python -m {THREADING_MODULE}"


def threading_demonstration(runner: Runner) -> str:
    """Lab 17's measurement: the executor with and without the threading instrumentation."""
    done = subprocess.run(
        [sys.executable, "-m", THREADING_MODULE], capture_output=True, text=True, timeout=60, check=True
    )
    return transcript(THREADING, done.stdout)


THREAD_POOL = f"{LABS}/17-thread-pool-without-context.md"
LAB_EXAMPLES = (
    *lab_examples(),
    Example("thread-pool-without-context-threading", (THREAD_POOL,), threading_demonstration),
)
