import json
import subprocess
import sys

from tests.support.flags_script import run_with_flags

SCRIPT = """
import logging
import sys
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from tracebreak.runtime.correlation import current_request_id
from tracebreak.runtime.logs import Logs

provider = TracerProvider(resource=Resource.create({"service.name": "service-x"}))
Logs(provider, json_logs=True)
logging.getLogger().setLevel("INFO")
log = logging.getLogger("x")
log.info("outside")
current_request_id.set("rid-7")
with provider.get_tracer("t").start_as_current_span("work") as span:
    log.warning("inside")
    ids = span.get_span_context()
    print("SPAN", format(ids.trace_id, "032x"), format(ids.span_id, "016x"), file=sys.stderr)
"""


def test_log_lines_inside_a_span_carry_its_ids_as_json():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()  # the log lines alone: the span's ids go to stderr
    _, trace_id, span_id = next(
        line for line in result.stderr.splitlines() if line.startswith("SPAN")
    ).split()
    records = {
        record["message"]: record for record in map(json.loads, (line for line in lines if line[0] == "{"))
    }
    inside = records["inside"]
    assert (inside["trace_id"], inside["span_id"]) == (trace_id, span_id)
    assert inside["service.name"] == "service-x" and inside["request_id"] == "rid-7"
    assert inside["level"] == "WARNING" and inside["logger"] == "x"
    assert records["outside"]["trace_id"] == "0" and records["outside"]["request_id"] is None


# The wrong setup, chosen as a service would be: logs-without-trace-id on for every service.
WRONG_SETUP = """
import time
from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import LOGS_WITHOUT_TRACE_ID
from tracebreak.chaos.reader import chaos
flagfile.set_toggle(FLAGS, "logs-without-trace-id", "all")
chaos.open("service-x", str(FLAGS))
deadline = time.monotonic() + 10
while not chaos.chooses_me(LOGS_WITHOUT_TRACE_ID) and time.monotonic() < deadline:
    time.sleep(0.05)  # the provider reads the file on its own thread
logs = Logs(provider, json_logs=True)
assert logs.correlated is False
"""


def test_the_wrong_setup_writes_lines_without_trace_ids(tmp_path):
    script = SCRIPT.replace("Logs(provider, json_logs=True)", WRONG_SETUP) + "\nlogs.close()\nchaos.close()\n"
    result = run_with_flags(tmp_path, script)
    records = {
        r["message"]: r
        for r in map(json.loads, (line for line in result.stdout.splitlines() if line[0] == "{"))
    }
    assert records["inside"]["trace_id"] is None and records["inside"]["request_id"] == "rid-7"


# Logging follows its toggle as a service's flag-change callback does: swapped when the toggle
# changes for this service, left as it is (the very same record factory) on any other change.
FOLLOWS = """
import logging
import time
from opentelemetry.sdk.trace import TracerProvider
from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import LOGS_WITHOUT_TRACE_ID
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.logs import Logs
from tracebreak.runtime.service import follow_the_logging_toggle

def wait_for(chosen):
    deadline = time.monotonic() + 10
    while chaos.chooses_me(LOGS_WITHOUT_TRACE_ID) != chosen and time.monotonic() < deadline:
        time.sleep(0.05)  # the provider reads the file on its own thread
    assert chaos.chooses_me(LOGS_WITHOUT_TRACE_ID) == chosen, f"the flag file did not say {chosen} within 10 s"

flagfile.write_defaults(FLAGS)
chaos.open("service-x", str(FLAGS))
logs = Logs(TracerProvider(), json_logs=False)
right = logging.getLogRecordFactory()
follow_the_logging_toggle(logs)
assert logging.getLogRecordFactory() is right and logs.correlated is True
flagfile.set_toggle(FLAGS, "logs-without-trace-id", "all")
wait_for(True)
follow_the_logging_toggle(logs)
wrong = logging.getLogRecordFactory()
assert wrong is not right and logs.correlated is False
follow_the_logging_toggle(logs)
assert logging.getLogRecordFactory() is wrong
flagfile.set_toggle(FLAGS, "logs-without-trace-id", None)
wait_for(False)
follow_the_logging_toggle(logs)
assert logs.correlated is True and logging.getLogRecordFactory() is not wrong
logs.close()
chaos.close()
"""


def test_logging_is_swapped_only_when_its_toggle_changes(tmp_path):
    run_with_flags(tmp_path, FOLLOWS)
