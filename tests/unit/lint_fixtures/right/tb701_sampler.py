from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased


def setup(rate: float) -> None:
    trace.set_tracer_provider(TracerProvider(sampler=ParentBased(TraceIdRatioBased(rate))))
