"""deploy/kubernetes against docker-compose.yml, the source of truth: the same images, commands,
environment and healthchecks (as probes), memory as compose limits it, CPU from the benchmarks, and
every pod non-root. Read from the objects `kubectl kustomize` renders for one trainee."""

import re

import pytest
import yaml

from tests.support.compose_file import ROOT, SERVICES
from tests.support.kubernetes import POD_KINDS, need_kubectl
from tracebreak.workshop import collector, generated, kustomize, sizing

TRAINEE = "trainee-01"
ROOM = "tracebreak-room"
# Each rendered workload and the compose service it runs; a collector's readiness is its -ready probe's.
FROM_COMPOSE = {
    (TRAINEE, "kafka"): "kafka",
    (TRAINEE, "kafka-init"): "kafka-init",
    (TRAINEE, "otel-collector"): "otel-collector",
    (TRAINEE, "service-a"): "service-a",
    (TRAINEE, "service-b"): "service-b",
    (TRAINEE, "service-c"): "service-c",
    (TRAINEE, "envoy"): "envoy",
    (ROOM, "tail-sampling"): "otel-collector",
    (ROOM, "jaeger"): "jaeger",
    (ROOM, "grafana"): "grafana",
}


@pytest.fixture(scope="module")
def objects():
    need_kubectl()
    return generated.rendered_objects(1)


def workload(objects, namespace, name):
    found = [o for o in objects if o["kind"] in POD_KINDS and o["metadata"]["name"] == name]
    (item,) = [o for o in found if o["metadata"]["namespace"] == namespace]
    return item["spec"]["template"]["spec"]


def container(objects, namespace, name):
    return workload(objects, namespace, name)["containers"][0]


@pytest.mark.parametrize(
    ("where", "service"), FROM_COMPOSE.items(), ids=lambda v: "/".join(v) if isinstance(v, tuple) else v
)
def test_images_equal_the_compose_pins(objects, where, service):
    assert container(objects, *where)["image"] == SERVICES[service]["image"]


def test_nothing_runs_an_image_compose_does_not_pin(objects):
    images = {
        c["image"]
        for o in objects
        if o["kind"] in POD_KINDS
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {s["image"] for s in SERVICES.values()} - {
        "prom/prometheus:v3.14.0",
        "grafana/tempo:2.10.7",
        "grafana/loki:3.7.3",
    }


@pytest.mark.parametrize("name", ["service-a", "service-b", "service-c", "envoy"])
def test_commands_equal_compose(objects, name):
    # compose's `command` replaces the image's CMD and keeps its ENTRYPOINT, as Kubernetes' `args` does.
    assert container(objects, TRAINEE, name)["args"] == SERVICES[name]["command"]
    assert "command" not in container(objects, TRAINEE, name)


def test_the_collectors_and_jaeger_take_compose_arguments(objects):
    assert container(objects, TRAINEE, "otel-collector")["args"] == SERVICES["otel-collector"]["command"]
    assert container(objects, ROOM, "tail-sampling")["args"] == SERVICES["otel-collector"]["command"]
    assert container(objects, ROOM, "jaeger")["args"] == SERVICES["jaeger"]["command"]


def test_kafka_init_makes_the_topics_as_compose_does(objects):
    init = container(objects, TRAINEE, "kafka-init")
    assert (
        init["command"] + init["args"]
        == SERVICES["kafka-init"]["entrypoint"] + SERVICES["kafka-init"]["command"]
    )


def test_the_services_read_the_compose_environment(objects):
    env = kustomize.find(objects, "ConfigMap", "service-env", TRAINEE)["data"]
    for name in ("service-a", "service-b", "service-c"):
        assert env == SERVICES[name]["environment"]
        assert container(objects, TRAINEE, name)["envFrom"] == [{"configMapRef": {"name": "service-env"}}]


def test_kafka_runs_with_the_compose_environment(objects):
    env = {e["name"]: e["value"] for e in container(objects, TRAINEE, "kafka")["env"]}
    assert env == SERVICES["kafka"]["environment"]


def compose_test(service):
    test = SERVICES[service]["healthcheck"]["test"]
    return ["/bin/sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]


def probe_timing(service):
    seconds = {
        k: int(str(v).removesuffix("s")) for k, v in SERVICES[service]["healthcheck"].items() if k != "test"
    }
    return seconds


@pytest.mark.parametrize(
    "name", ["kafka", "service-a", "service-b", "service-c", "envoy", "jaeger", "grafana"]
)
def test_probes_run_the_compose_healthcheck_at_its_pace(objects, name):
    namespace = ROOM if name in ("jaeger", "grafana") else TRAINEE
    pod = container(objects, namespace, name)
    timing = probe_timing(name)
    ready, startup = pod["readinessProbe"], pod["startupProbe"]
    assert ready["exec"]["command"] == startup["exec"]["command"] == compose_test(name)
    assert (ready["periodSeconds"], ready["timeoutSeconds"], ready["failureThreshold"]) == (
        timing["interval"],
        timing["timeout"],
        timing["retries"],
    )
    # compose's start_period, checked every start_interval: the startup probe's window.
    assert startup["periodSeconds"] == timing["start_interval"]
    assert startup["periodSeconds"] * startup["failureThreshold"] == timing["start_period"]


@pytest.mark.parametrize("where", [(TRAINEE, "otel-collector"), (ROOM, "tail-sampling")])
def test_collectors_are_ready_as_compose_s_ready_probe_says(objects, where):
    ready = container(objects, *where)["readinessProbe"]
    (url,) = re.findall(r"http://[^']+", SERVICES["otel-collector-ready"]["healthcheck"]["test"][-1])
    port, path = re.fullmatch(r"http://otel-collector:(\d+)(/.*)", url).groups()
    assert ready["httpGet"] == {"path": path, "port": int(port)}
    assert ready["periodSeconds"] == probe_timing("otel-collector-ready")["interval"]


def mebibytes(quantity):
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) * (1024 if unit == "Gi" else 1)


def test_a_namespace_is_sized_from_the_benchmarks_and_the_compose_limits(objects):
    for part in sizing.parts(generated.compose_memory()):
        resources = container(objects, TRAINEE, part.name)["resources"]
        assert resources["requests"]["cpu"] == f"{part.millicores}m", part.name
        assert (
            mebibytes(resources["requests"]["memory"])
            == mebibytes(resources["limits"]["memory"])
            == part.memory_mib
        )
        replicas = kustomize.find(objects, "Deployment", part.name, TRAINEE)["spec"]["replicas"]
        assert replicas == part.replicas


def test_the_room_is_sized_for_forty_trainees(objects):
    samplers = kustomize.find(objects, "StatefulSet", "tail-sampling", ROOM)
    assert samplers["spec"]["replicas"] == sizing.SAMPLER_REPLICAS
    resources = samplers["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert resources["requests"]["cpu"] == f"{sizing.sampler_millicores()}m"
    assert mebibytes(resources["limits"]["memory"]) == generated.SAMPLER_MIB
    for name in ("jaeger", "grafana"):
        limit = container(objects, ROOM, name)["resources"]["limits"]["memory"]
        assert mebibytes(limit) == generated.compose_memory()[name]


def test_the_bench_table_is_read_as_it_is_written():
    table = "CPU time per request by process\n\n| tracing | rps | broker | envoy |\n| --- | --- | --- | --- |\n| off | 50 | 9 | 9 |\n| on | 50 | 3.2 | 0.9 |\n"
    assert sizing.cpu_per_request(table) == {"broker": 3.2, "envoy": 0.9}
    with pytest.raises(ValueError, match="no table"):
        sizing.cpu_per_request("# no benchmarks yet")


def test_every_pod_runs_as_non_root_and_drops_every_capability(objects):
    for item in (o for o in objects if o["kind"] in POD_KINDS):
        pod = item["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            assert c["securityContext"]["allowPrivilegeEscalation"] is False
            assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
            assert set(c["resources"]["requests"]) == set(c["resources"]["limits"]) == {"cpu", "memory"}


@pytest.mark.parametrize(
    ("copy", "source"),
    [
        ("base/envoy/envoy.yaml", "envoy/envoy.compose.yaml"),
        ("room/jaeger/config.yaml", "jaeger/config.yaml"),
    ],
)
def test_the_configs_kustomize_reads_are_the_compose_files(copy, source):
    # A Kustomize base reads only files under it: a copy, held equal here.
    assert (ROOT / "deploy" / "kubernetes" / copy).read_text() == (ROOT / source).read_text(), (
        f"cp {source} deploy/kubernetes/{copy}"
    )


def test_the_room_samples_as_the_compose_collector_does(objects):
    compose = yaml.safe_load((ROOT / "collector" / "config.yaml").read_text())["processors"]["tail_sampling"]
    room = collector.effective(objects, "StatefulSet", "tail-sampling", ROOM)
    assert room["processors"]["tail_sampling"] == compose


# The contrib 0.160.0 components these configs name (its own component list): a collector upgrade
# re-checks them, as test_compose.py's collector tests do for compose's config.
CONTRIB_0_160 = {
    "receivers": {"otlp"},
    "processors": {"memory_limiter", "batch", "tail_sampling", "resource"},
    "exporters": {"otlp_grpc", "loadbalancing", "debug"},
    "extensions": {"health_check"},
}


@pytest.mark.parametrize("variant", [None, "tail-sampling-split"])
def test_collector_configs_use_only_defined_components_the_pinned_collector_has(variant):
    need_kubectl()
    objects = generated.rendered_objects(1, variant)
    for kind, name, namespace in (
        ("Deployment", "otel-collector", TRAINEE),
        ("StatefulSet", "tail-sampling", ROOM),
    ):
        config = collector.effective(objects, kind, name, namespace)
        for pipeline in config["service"]["pipelines"].values():
            for section in ("receivers", "processors", "exporters"):
                assert set(pipeline.get(section, [])) <= set(config[section]), (name, section)
        for section, known in CONTRIB_0_160.items():
            assert {component.split("/")[0] for component in config[section]} <= known, (name, section)
        assert set(config["service"]["extensions"]) <= set(config["extensions"])


def test_the_namespace_tags_every_span_from_the_downward_api(objects):
    config = collector.effective(objects, "Deployment", "otel-collector", TRAINEE)
    assert "resource/trainee" in config["service"]["pipelines"]["traces"]["processors"]
    (attribute,) = config["processors"]["resource/trainee"]["attributes"]
    assert attribute == {"key": "k8s.namespace.name", "value": "${env:TRAINEE_NAMESPACE}", "action": "upsert"}
    (env,) = container(objects, TRAINEE, "otel-collector")["env"]
    assert env == {
        "name": "TRAINEE_NAMESPACE",
        "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
    }


def test_the_flag_file_is_a_configmap_every_service_mounts_at_the_compose_path(objects):
    flags = kustomize.find(objects, "ConfigMap", "tracebreak-flags", TRAINEE)
    assert yaml.safe_load(flags["data"]["flags.json"])["flags"]
    path = SERVICES["service-a"]["environment"]["TRACEBREAK_FLAGS_FILE"]
    for name in ("service-a", "service-b", "service-c"):
        pod = workload(objects, TRAINEE, name)
        (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "flags"]
        assert f"{mount['mountPath']}/flags.json" == path
        assert {"name": "flags", "configMap": {"name": "tracebreak-flags"}} in pod["volumes"]
