"""What the trainee is told when a drill starts: the symptom each toggle makes, as an alert or a
user's complaint reads, never its name."""

SYMPTOMS = {
    "orphan-background-task": "The number of traces doubled overnight; every new one is a single span.",
    "uninstrumented-client": "Checkout traces end in service-a; service-b's traffic shows up as traces "
    "of its own.",
    "strip-traceparent-at-lb": "service-a's traces begin at service-a; the edge's spans stand alone.",
    "silent-exception-recovery": "Some orders fail with 502, and no span in their traces says why.",
    "kafka-consumer-no-extract": "Traces stop at service-b; service-c's work appears in traces nobody "
    "asked for.",
    "propagator-not-registered": "Since service-b's last deploy, every request's trace splits in two "
    "or three.",
    "sampler-not-parent-based": "About half the checkout traces stop early; the others are complete.",
    "logs-without-trace-id": "The log search by trace id misses one service's lines entirely.",
    "baggage-overflow": "Customers of tenant acme see placeholder orders from the default tenant; "
    "nothing failed.",
    "span-export-overflow": "At peak, traces through service-b have holes: spans whose parent is missing.",
    "auth-error-rate": "Some checkouts fail with a 502 that names service-b.",
    "downstream-latency-ms": "Checkout got slower.",
    "downstream-timeout": "Some orders fail.",
    "context-leak": "One trace in service-a has grown for hours and holds thousands of spans.",
    "thread-pool-without-context": "Since the orders database got its real driver, service-c shows "
    "traces of two spans that nobody requested.",
    "propagator-mismatch": "Since service-b joined the Zipkin migration, the request's trace splits "
    "at service-b, though every hop still sends trace headers.",
}


def page(toggles: list[str]) -> str:
    return "\n".join(f"- {SYMPTOMS[name]}" for name in toggles)
