from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.support.flags_script import run_with_flags
from tracebreak.runtime.export import ExportQueues

# A service's export queues as run_service wires them: the queue a span's end goes to follows the
# span-export-overflow flag through the flag-change callback alone, to this service and away again.
FOLLOWS = """
import time
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tracebreak.chaos import flagfile
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.export import ExportQueues

exporters = []

def exporter():
    exporters.append(InMemorySpanExporter())
    return exporters[-1]

def wait_for(overflows):
    deadline = time.monotonic() + 10
    while queues.overflows != overflows and time.monotonic() < deadline:
        time.sleep(0.05)  # the provider reads the file, and runs the callbacks, on its own threads
    assert queues.overflows == overflows, f"the queue did not follow the flag to {overflows} within 10 s"

def queue_of_a_span():
    with tracer.start_as_current_span("work"):
        pass
    queues.force_flush()
    batch, overflowing = (len(e.get_finished_spans()) for e in exporters)
    for e in exporters:
        e.clear()
    return {(1, 0): "batch", (0, 1): "overflowing"}[batch, overflowing]

flagfile.write_defaults(FLAGS)
chaos.open("service-b", str(FLAGS))
queues = ExportQueues(exporter)
provider = TracerProvider()
provider.add_span_processor(queues)
tracer = provider.get_tracer("t")
chaos.on_change(queues.follow_the_fault)
assert queue_of_a_span() == "batch"
flagfile.set_toggle(FLAGS, "span-export-overflow", "service-b")
wait_for(True)
assert queue_of_a_span() == "overflowing"
flagfile.set_toggle(FLAGS, "span-export-overflow", "service-c")
wait_for(False)
assert queue_of_a_span() == "batch"
flagfile.set_toggle(FLAGS, "span-export-overflow", "all")
wait_for(True)
assert queue_of_a_span() == "overflowing"
provider.shutdown()
chaos.close()
"""


def test_the_queue_chosen_follows_the_flag_without_a_restart(tmp_path):
    run_with_flags(tmp_path, FOLLOWS)


def test_a_queue_that_fails_to_flush_leaves_the_other_flushed(monkeypatch):
    exporters: list[InMemorySpanExporter] = []
    queues = ExportQueues(lambda: exporters.append(InMemorySpanExporter()) or exporters[-1])
    provider = TracerProvider()
    provider.add_span_processor(queues)
    with provider.get_tracer("t").start_as_current_span("work"):
        pass
    monkeypatch.setattr(queues.overflowing, "force_flush", lambda timeout_millis=30000: False)
    assert queues.force_flush() is False
    # The batch queue exports on a 5 s timer otherwise: only the flush sends the span now.
    assert [s.name for s in exporters[0].get_finished_spans()] == ["work"]
    provider.shutdown()
