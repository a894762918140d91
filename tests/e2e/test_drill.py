"""`tracebreak drill` on the real local stack: a scripted trainee that reads the wire, the traces and
the logs (never the doctor) and names the breakers and the faults scores full marks at each level;
once every breaker is found its hints are free and fit the mix, the doctor speaks, and `reveal` names
each breaker's lab; spending the doctor hint caps the score; a wrong answer scores nothing and names
nothing; while a drill runs nothing names the toggles or the signatures; `stop` leaves every toggle
off."""

import json
import time

import httpx
import pytest

from tests.support.drill_trainee import diagnose, log_offsets
from tests.support.stack import cli
from tests.support.wire import capture_refused
from tracebreak import signatures
from tracebreak.chaos.catalogue import CATALOGUE, ROOT
from tracebreak.demo import SERVICES

pytestmark = pytest.mark.skipif(
    capture_refused() is not None, reason=f"the trainee reads the wire: {capture_refused()}"
)

# Level -> a seed whose mix the trainee can see from the outside (tracebreak/drill/mix.py draws it):
# 1 uninstrumented-client; 2 logs-without-trace-id in service-c and downstream-latency-ms;
# 3 strip-traceparent-at-lb, kafka-consumer-no-extract at half rate and downstream-timeout.
SEEDS = {1: 14, 2: 134, 3: 20}  # the draw changes with the catalogue: redrawn for the same mixes
SPLITS = {1: True, 2: False, 3: True}  # whether the mix splits a request into traces
NAMES = [t.name for t in CATALOGUE] + [s.name for s in signatures.SIGNATURES]


def drill(stack, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    done = cli(stack.config, "drill", *args, timeout_s=60)
    assert done.returncode in ok, done.stdout + done.stderr
    return done.stdout


def scoreboard(stack) -> list[dict]:
    return json.loads((stack.config.data_dir / "scoreboard.json").read_text())


def stopped(stack) -> dict:
    """`drill stop`: the scoreboard's new entry; every toggle off after it."""
    drill(stack, "stop")
    listed = json.loads(cli(stack.config, "chaos", "list", "--json").stdout)
    assert {t["name"]: t["state"] for t in listed} == {t["name"]: "off" for t in listed}
    return scoreboard(stack)[-1]


@pytest.mark.parametrize("level", sorted(SEEDS))
def test_a_trainee_who_reads_the_wire_the_traces_and_the_logs_scores_full_marks(
    stack, client_telemetry, level
):
    offsets = log_offsets(stack)
    drill(
        stack, "start", "--level", str(level), "--seed", str(SEEDS[level]), "--trainee", f"scripted-{level}"
    )
    try:
        found = diagnose(stack, client_telemetry, offsets)
        for toggle, boundary in found.items():
            drill(stack, "answer", toggle, "--boundary", boundary, ok=(0, 1))
        solved(stack, level)
    finally:
        entry = stopped(stack)
    assert entry["score"] == 100, entry
    assert sorted(found) == sorted([*entry["breakers"], *entry["faults"]])
    assert (entry["hints"], entry["free_hints"]) == (0, 2)


def solved(stack, level: int) -> None:
    """Every breaker found: the hints are free and fit the mix, the doctor judges, `reveal` names labs."""
    hints = [drill(stack, "hint"), drill(stack, "hint")]
    assert all("free now that every breaker is found" in said for said in hints), hints
    assert ("more than one trace" in hints[1].lower()) == SPLITS[level], hints[1]
    doctor = json.loads(cli(stack.config, "doctor", "--since", "2m", "--json").stdout)
    assert "silenced" not in doctor and doctor["requests"]
    labs = [line.split(";")[0].removeprefix("read: ") for line in drill(stack, "reveal").splitlines()
            if line.startswith("read: ")]  # fmt: skip
    assert len(labs) == (2 if level == 3 else 1) and all(
        (ROOT / lab).is_file() and lab.startswith("docs/labs/") for lab in labs
    ), labs


def since(stack, offsets: dict[str, int]) -> str:
    """The services' log lines written after `offsets`; the test fails if there are none."""
    lines = []
    for service, offset in offsets.items():
        with stack.processes[service].log_path.open() as log:
            log.seek(offset)
            lines.append(log.read())
    assert any(lines), "no log line written during the drill"
    return "".join(lines)


def traces_since(stack, start_us: int) -> str:
    """What the query API gives a trainee about every service's traces since `start_us`."""
    found = [
        httpx.get(f"{stack.config.query_url}/api/traces", params={"service": s, "start": start_us}).text
        for s in SERVICES
    ]
    assert any('"spanID"' in text for text in found), "no span stored during the drill"
    return "".join(found)


def test_while_a_drill_runs_nothing_names_the_answer(stack, client_telemetry):
    offsets, start_us = log_offsets(stack), time.time_ns() // 1000
    drill(stack, "start", "--level", "2", "--seed", str(SEEDS[2]))
    try:
        said = [
            cli(stack.config, "chaos", "list").stdout,
            cli(stack.config, "doctor", "--since", "2m").stdout,
            cli(stack.config, "audit", "--json", *stack.config.port_flags(), timeout_s=120).stdout,
        ]
        assert all("a drill is running" in text for text in said), said
        web = httpx.get(f"{stack.config.query_url}/api/doctor", params={"lookback": "2m"}).json()
        said.append(json.dumps(web))
        assert web["silenced"] and not any(r["signatures"] for r in web["requests"])
        panel = httpx.get(f"{stack.config.query_url}/api/chaos")
        assert panel.status_code == 403
        said.append(panel.text)
        said += [since(stack, offsets), traces_since(stack, start_us)]  # no hit named on a span or a line
        assert not any(name in text for text in said for name in NAMES), said
    finally:
        stopped(stack)


def test_a_wrong_answer_scores_nothing_and_the_doctor_hint_caps_the_score(stack, client_telemetry):
    drill(stack, "start", "--level", "1", "--seed", str(SEEDS[1]))  # uninstrumented-client
    try:
        wrong = drill(stack, "answer", "kafka-consumer-no-extract", ok=(1,))
        assert "not what breaks the traces" in wrong and "uninstrumented-client" not in wrong
        no_fault = drill(stack, "answer", "auth-error-rate", ok=(1,))
        assert "not part of this incident" in no_fault and "uninstrumented-client" not in no_fault
        drill(stack, "hint", "--doctor")
        doctor = json.loads(cli(stack.config, "doctor", "--since", "2m", "--settle", "1s", "--json").stdout)
        named = {f["signature"] for r in doctor["requests"] for f in r["findings"]}
        assert "uninstrumented-client" in named  # the doctor speaks once the hint is spent
        drill(stack, "answer", "uninstrumented-client", "--boundary", "service-a->service-b")
    finally:
        entry = stopped(stack)
    assert [a["points"] for a in entry["answers"]] == [0, 0, 50] and entry["score"] == 50
