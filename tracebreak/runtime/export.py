"""How a service's finished spans reach the exporter: the SDK's BatchSpanProcessor, which queues them
(OTEL_BSP_MAX_QUEUE_SIZE, 2,048 by default), exports a batch every OTEL_BSP_SCHEDULE_DELAY or when
OTEL_BSP_MAX_EXPORT_BATCH_SIZE are queued, and drops the oldest span queued when a new one finds the
queue full, saying so only in a warning ("Queue full, dropping Span.").

The span-export-overflow fault gives one service a queue far too small for its load, switched with the
flag file while the process runs: the processor is chosen again on every flag change, so no restart is
needed (and no flag is looked up per span: 12 to 20 µs a span here).
"""

import threading
from collections.abc import Callable

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from tracebreak.chaos.catalogue import SPAN_EXPORT_OVERFLOW
from tracebreak.chaos.reader import chaos

# As OTEL_BSP_MAX_QUEUE_SIZE=2 OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2 would set it: a burst of requests ends
# spans faster than one exporter thread sends batches of two, and the queue overflows.
OVERFLOWING_QUEUE = 2


class ExportQueues(SpanProcessor):
    """The service's batch processor, or, while the fault chooses this service, one that overflows."""

    def __init__(self, exporter: Callable[[], SpanExporter]) -> None:
        # An exporter each: a processor's shutdown shuts its exporter down, and the other's last
        # spans would go to one that refuses them.
        self.batch = BatchSpanProcessor(exporter())
        self.overflowing = BatchSpanProcessor(
            exporter(), max_queue_size=OVERFLOWING_QUEUE, max_export_batch_size=OVERFLOWING_QUEUE
        )
        self.overflows = False
        # Flag changes arrive on OpenFeature's event threads, two at once at times: without it, one
        # that read the flag before the other could write its older choice after.
        self._choosing = threading.Lock()

    def follow_the_fault(self) -> None:
        """Choose the queue again, too small a one while the fault chooses this service. Called on
        every flag change, so a span's end looks no flag up."""
        with self._choosing:
            self.overflows = chaos.chooses_me(SPAN_EXPORT_OVERFLOW)  # fault: span-export-overflow.

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.batch.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        (self.overflowing if self.overflows else self.batch).on_end(span)

    def shutdown(self) -> None:
        self.overflowing.shutdown()
        self.batch.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flushed = self.overflowing.force_flush(timeout_millis), self.batch.force_flush(timeout_millis)
        return all(flushed)  # both flushed, even when the first one could not
