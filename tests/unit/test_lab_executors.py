"""Lab 17's demonstration: run_in_executor loses the context unless the threading instrumentation
(what opentelemetry-instrument loads) wraps the pool's submit; asyncio.to_thread keeps it either way."""

from tracebreak.lab import executors


def test_the_executor_loses_the_context_only_without_the_threading_instrumentation():
    outcomes = [executors.joined(hand_off, on) for _, hand_off, on in executors.RUNS]
    assert outcomes == [False, True, True, True]


def test_the_instrumentation_is_taken_off_again_after_its_run():
    executors.joined(executors.executor, True)
    assert executors.joined(executors.executor, False) is False
