"""Every setting a tracebreak service reads, with its environment variable and local default.

Local and docker compose differ only in these values (addresses); the code is the same. Telemetry
export is not here: it is configured by the standard OTEL_* variables alone.
"""

import os
from dataclasses import dataclass, fields

from tracebreak.runtime.generations import Generations
from tracebreak.runtime.ports import DEFAULT as PORTS


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the variable and what it expects."""


@dataclass(frozen=True)
class Settings:
    bind_host: str = "127.0.0.1"  # TRACEBREAK_BIND_HOST: where services listen (0.0.0.0 in containers)
    kafka_bootstrap_servers: str = f"127.0.0.1:{PORTS.broker}"  # KAFKA_BOOTSTRAP_SERVERS
    request_topic: str = "enrichment.requests"  # TRACEBREAK_REQUEST_TOPIC
    reply_topic: str = "enrichment.replies"  # TRACEBREAK_REPLY_TOPIC
    # TRACEBREAK_TOPIC_GENERATION_S: topics roll over this often (the local Tansu broker slows as a
    # topic ages: runtime/generations.py says why); 0 keeps fixed topics (Apache Kafka).
    topic_generation_s: int = 0
    service_a_port: int = PORTS.service_a  # TRACEBREAK_SERVICE_A_PORT
    service_b_port: int = PORTS.service_b  # TRACEBREAK_SERVICE_B_PORT
    service_c_health_port: int = PORTS.service_c_health  # TRACEBREAK_SERVICE_C_HEALTH_PORT
    service_b_address: str = f"127.0.0.1:{PORTS.service_b}"  # TRACEBREAK_SERVICE_B_ADDRESS: where A finds B
    auth_deadline_ms: int = 5000  # TRACEBREAK_AUTH_DEADLINE_MS: A's deadline for its call to B
    reply_timeout_ms: int = 3000  # TRACEBREAK_REPLY_TIMEOUT_MS: how long B waits for C's reply
    downstream_latency_ms: int = 20  # TRACEBREAK_DOWNSTREAM_LATENCY_MS: C's simulated database
    orders_db: str = ""  # TRACEBREAK_ORDERS_DB: the SQLite file C writes its orders to; none: a temp dir
    flags_file: str = ""  # TRACEBREAK_FLAGS_FILE: the chaos flag file; none: every toggle off
    # TRACEBREAK_CONFORMANCE_ENDPOINT: A's POST /test for the W3C trace-context test suite. It calls the
    # URLs it is given, so it is off unless asked for, and calls loopback only.
    conformance_endpoint: bool = False
    # TRACEBREAK_SPAN_REQUEST_ID: record the request id on the spans that receive a request (it stays
    # on the log lines either way). Off, the stack is like most: the doctor joins without it.
    span_request_id: bool = True
    # TRACEBREAK_FETCH_MAX_WAIT_MS: how long a consumer's fetch waits on the broker for records. The local
    # broker (Tansu) answers a fetch only when that time is up, even once records came (aiokafka's 500 ms
    # makes a request/reply round trip about 250 ms), and an idle consumer fetches again at once. Against
    # 10 ms, 50 ms took an idle stack from 14% of a core to 6% and a request from 10-11 ms of CPU to 9, for
    # 60 ms at p50 instead of 37 (bench/results/latest.md): CPU is what a shared stack runs out of.
    fetch_max_wait_ms: int = 50

    @staticmethod
    def variable(name: str) -> str:
        return (
            "KAFKA_BOOTSTRAP_SERVERS" if name == "kafka_bootstrap_servers" else f"TRACEBREAK_{name.upper()}"
        )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = dict(os.environ) if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            text = environ.get(cls.variable(field.name))
            if text is None or text == "":
                continue
            values[field.name] = _parse(cls.variable(field.name), field.type, text)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def generations(self) -> Generations:
        return Generations(self.topic_generation_s)

    def to_env(self) -> dict[str, str]:
        return {self.variable(f.name): _format(getattr(self, f.name)) for f in fields(self)}


BOOLEANS = {"true": True, "1": True, "on": True, "false": False, "0": False, "off": False}


def _parse(variable: str, kind: object, text: str) -> object:
    if kind is int:
        if not text.strip().isdigit():
            raise SettingsError(f"{variable}={text!r}: expected a whole number")
        return int(text)
    if kind is bool:
        if text.strip().lower() not in BOOLEANS:
            raise SettingsError(f"{variable}={text!r}: expected true or false")
        return BOOLEANS[text.strip().lower()]
    return text


def _format(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
