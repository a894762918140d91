import json
import subprocess
import sys

SCRIPT = """
import logging
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from tracebreak import telemetry
from tracebreak.correlation import current_request_id

provider = TracerProvider(resource=Resource.create({"service.name": "service-x"}))
telemetry.setup_logging(provider)
log = logging.getLogger("x")
log.info("outside")
current_request_id.set("rid-7")
with provider.get_tracer("t").start_as_current_span("work") as span:
    log.warning("inside")
    ids = span.get_span_context()
    print("SPAN", format(ids.trace_id, "032x"), format(ids.span_id, "016x"))
"""


def test_log_lines_inside_a_span_carry_its_ids_as_json():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    _, trace_id, span_id = next(line for line in lines if line.startswith("SPAN")).split()
    records = {
        record["message"]: record for record in map(json.loads, (line for line in lines if line[0] == "{"))
    }
    inside = records["inside"]
    assert (inside["trace_id"], inside["span_id"]) == (trace_id, span_id)
    assert inside["service.name"] == "service-x" and inside["request_id"] == "rid-7"
    assert inside["level"] == "WARNING" and inside["logger"] == "x"
    assert records["outside"]["trace_id"] == "0" and records["outside"]["request_id"] is None
