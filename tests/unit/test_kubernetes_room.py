"""The workshop room as `kubectl kustomize` renders it for 1 and 40 trainees, whole and split: valid
against the Kubernetes API's schemas, isolated by its NetworkPolicies, its traces routed by trace id
through the loadbalancing exporter (or, in the tail-sampling-split variant, not), checkov's policies
passed or skipped with a reason, and the committed example and the pages' quotes current."""

import json

import pytest
import yaml

from tests.support.cli import tracebreak
from tests.support.kubernetes import Pod, need_kubectl, pods, reaches
from tracebreak.workshop import collector, generated, kustomize, policy, render

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate is not installed: pip install -e '.[cluster]'"
)

# The Kubernetes version the objects are validated against (kubernetes-validate's schemas).
KUBERNETES_VERSION = "1.37.0"
ROOM = "tracebreak-room"
SPLIT = "tail-sampling-split"
RENDERS = [(1, None), (40, None), (1, SPLIT), (40, SPLIT)]


@pytest.fixture(scope="module")
def rendered():
    need_kubectl()
    cache = {}

    def objects(trainees, variant=None):
        if (trainees, variant) not in cache:
            cache[trainees, variant] = generated.rendered_objects(trainees, variant)
        return cache[trainees, variant]

    return objects


@pytest.mark.parametrize(("trainees", "variant"), RENDERS)
def test_every_object_is_valid_for_the_stated_kubernetes_version(rendered, trainees, variant):
    objects = rendered(trainees, variant)
    namespaces = {o["metadata"]["namespace"] for o in objects if o["kind"] != "Namespace"}
    assert namespaces == {ROOM, *(render.namespace(n) for n in range(1, trainees + 1))}
    # kubernetes-validate stops at an object's first error: one message per broken object at most.
    errors = []
    for item in objects:
        try:
            kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{item['kind']} {item['metadata']['name']}: {error.message}")
    assert errors == []


@pytest.mark.parametrize("variant", [None, SPLIT])
def test_every_namespace_is_the_first_renamed(rendered, variant):
    by_namespace = {}
    for item in rendered(40, variant):
        namespace = item["metadata"].get("namespace") or item["metadata"]["name"]
        if namespace != ROOM:
            text = json.dumps(item, sort_keys=True).replace(f'"{namespace}"', "NAMESPACE")
            by_namespace.setdefault(namespace, []).append(text)
    first = by_namespace.pop("trainee-01")
    assert len(by_namespace) == 39 and all(objects == first for objects in by_namespace.values())


def test_the_validator_refuses_what_the_api_would(rendered):
    item = json.loads(json.dumps(kustomize.find(rendered(1), "Deployment", "service-a", "trainee-01")))
    item["spec"]["replicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
    item["spec"]["replicas"], item["spec"]["replica"] = 1, 1  # an unknown field: strict refuses it
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)


def pod(objects, namespace, name):
    (found,) = [p for p in pods(objects) if p.namespace == namespace and p.name == name]
    return found


def test_no_trainee_reaches_another_trainee_s_pods(rendered):
    objects = rendered(40)
    everyone = pods(objects)
    for one, other in (("trainee-01", "trainee-02"), ("trainee-40", "trainee-01")):
        for source in (p for p in everyone if p.namespace == one):
            for target in (p for p in everyone if p.namespace == other):
                for port in target.ports:
                    assert not reaches(objects, source, target, port), (source.name, target.name, port)


def test_without_its_policies_a_namespace_would_be_reached(rendered):
    # The evaluator is not blind: with no policy in either namespace the same connection is open.
    objects = rendered(40)
    source, target = pod(objects, "trainee-01", "service-a"), pod(objects, "trainee-02", "envoy")
    open_room = [
        o for o in objects if not (o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] != ROOM)
    ]
    assert reaches(open_room, source, target, 9901)
    assert not reaches(objects, source, target, 9901)


def test_a_namespace_s_own_cascade_and_its_telemetry_path_stay_open(rendered):
    objects = rendered(40)
    edges = [("envoy", "service-a", 8000), ("service-a", "service-b", 50051), ("service-b", "kafka", 9092)]
    edges += [
        ("service-c", "kafka", 9092),
        ("service-a", "otel-collector", 4318),
        ("kafka-init", "kafka", 9092),
    ]
    for source, target, port in edges:
        assert reaches(objects, pod(objects, "trainee-07", source), pod(objects, "trainee-07", target), port)
    agent = pod(objects, "trainee-07", "otel-collector")
    assert reaches(objects, agent, pod(objects, ROOM, "tail-sampling"), 4317)
    assert not reaches(objects, agent, pod(objects, ROOM, "jaeger"), 4317)
    assert not reaches(objects, pod(objects, "trainee-07", "service-a"), pod(objects, ROOM, "jaeger"), 16686)
    outsider = Pod("default", "intruder", {"app.kubernetes.io/name": "otel-collector"}, ())
    assert not reaches(objects, outsider, pod(objects, ROOM, "tail-sampling"), 4317)


def test_a_trainee_s_account_reads_and_forwards_in_its_own_namespace_only(rendered):
    objects = rendered(40)
    assert not [o for o in objects if o["kind"] in ("ClusterRole", "ClusterRoleBinding")]
    bindings = [o for o in objects if o["kind"] == "RoleBinding"]
    assert len(bindings) == 40
    for binding in bindings:
        namespace = binding["metadata"]["namespace"]
        assert binding["roleRef"]["kind"] == "Role"
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "trainee", "namespace": namespace}]
        role = kustomize.find(objects, "Role", binding["roleRef"]["name"], namespace)
        granted = {
            (resource, verb)
            for rule in role["rules"]
            for resource in rule["resources"]
            for verb in rule["verbs"]
        }
        writes = {(resource, verb) for resource, verb in granted if verb not in ("get", "list", "watch")}
        assert writes == {("pods/portforward", "create")}
        assert not {resource for resource, _ in granted} & {"secrets", "pods/exec"}


def sampler_service(objects, exporters):
    (settings,) = exporters.values()
    host = (
        settings["resolver"]["dns"]["hostname"]
        if "resolver" in settings
        else settings["endpoint"].rpartition(":")[0]
    )
    name, namespace, *_ = host.split(".")
    return kustomize.find(objects, "Service", name, namespace)


def test_agents_route_each_trace_by_its_id_to_one_sampler_of_a_headless_service(rendered):
    objects = rendered(40)
    samplers = kustomize.find(objects, "StatefulSet", "tail-sampling", ROOM)
    for number in (1, 40):
        exporters = collector.traces_exporters(
            collector.effective(objects, "Deployment", "otel-collector", render.namespace(number))
        )
        assert list(exporters) == ["loadbalancing"]
        assert exporters["loadbalancing"]["routing_key"] == "traceID"
        service = sampler_service(objects, exporters)
        # Headless: DNS answers with every sampler's own address, which the exporter hashes over.
        assert service["spec"]["clusterIP"] == "None"
        assert service["spec"]["selector"] == samplers["spec"]["template"]["metadata"]["labels"]
        assert samplers["spec"]["serviceName"] == service["metadata"]["name"]
        assert exporters["loadbalancing"]["resolver"]["dns"]["port"] == str(
            service["spec"]["ports"][0]["port"]
        )
    sampled = collector.effective(objects, "StatefulSet", "tail-sampling", ROOM)["service"]["pipelines"][
        "traces"
    ]
    assert "tail_sampling" in sampled["processors"]
    assert samplers["spec"]["replicas"] > 1


def test_the_split_variant_sends_traces_to_a_round_robin_service_over_the_same_samplers(rendered):
    objects = rendered(40, SPLIT)
    samplers = kustomize.find(objects, "StatefulSet", "tail-sampling", ROOM)
    for number in (1, 40):
        namespace = render.namespace(number)
        exporters = collector.traces_exporters(
            collector.effective(objects, "Deployment", "otel-collector", namespace)
        )
        assert "loadbalancing" not in exporters
        service = sampler_service(objects, exporters)
        # One virtual IP: kube-proxy picks a replica per connection, with no idea of trace ids.
        assert service["spec"].get("clusterIP") != "None"
        assert service["spec"]["selector"] == samplers["spec"]["template"]["metadata"]["labels"]
        # More than one agent and more than one sampler: a trace's spans can meet different samplers.
        assert kustomize.find(objects, "Deployment", "otel-collector", namespace)["spec"]["replicas"] > 1
    assert samplers["spec"]["replicas"] > 1


def test_the_split_variant_changes_only_the_traces_route(rendered):
    whole, split = rendered(1), rendered(1, SPLIT)
    before = collector.effective(whole, "Deployment", "otel-collector", "trainee-01")
    after = collector.effective(split, "Deployment", "otel-collector", "trainee-01")
    after["service"]["pipelines"]["traces"]["exporters"] = before["service"]["pipelines"]["traces"][
        "exporters"
    ]
    del after["exporters"]["otlp_grpc/round-robin"]
    assert after == before


def test_the_committed_example_is_what_the_command_renders(rendered):
    committed = list(yaml.safe_load_all(generated.EXAMPLE_OBJECTS.read_text()))
    stale = "deploy/kubernetes/examples drifted: run python -m tracebreak.workshop.generated"
    assert rendered(generated.EXAMPLE_TRAINEES) == committed, stale
    assert kustomize.build(generated.EXAMPLE) == committed, stale


def test_the_pages_quote_what_the_manifests_and_benchmarks_make():
    need_kubectl()
    for page, text in generated.pages(generated.compose_memory()).items():
        assert page.read_text() == text, f"{page.name} drifted: run python -m tracebreak.workshop.generated"


@pytest.mark.parametrize(("trainees", "variant"), RENDERS)
def test_checkov_leaves_no_failure_without_a_written_reason(rendered, tmp_path, trainees, variant):
    if policy.checkov() is None:
        pytest.skip(f"checkov is not installed: `make test` installs {policy.pin()} in .venv-checkov")
    manifest = tmp_path / "room.yaml"
    manifest.write_text(yaml.safe_dump_all(rendered(trainees, variant)))
    report = policy.check(manifest)
    reports = report if isinstance(report, list) else [report]
    (kubernetes,) = [r for r in reports if r["check_type"] == "kubernetes"]
    failed = [f"{f['check_id']} {f['resource']}" for f in kubernetes["results"]["failed_checks"]]
    assert failed == []
    assert kubernetes["summary"]["passed"] > 0
    for skipped in kubernetes["results"]["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment", "")) > 20, skipped["check_id"]


def test_render_refuses_bad_input_in_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    for args, says in [
        (["--trainees", "0", "--out", str(tmp_path / "a")], "--trainees takes 1 to 99"),
        (["--trainees", "2", "--out", str(tmp_path)], "holds no earlier render"),
        (
            ["--trainees", "2", "--out", str(tmp_path / "b"), "--image", "tracebreak"],
            "--image takes NAME:TAG",
        ),
    ]:
        done = tracebreak("workshop", "render", *args)
        assert done.returncode == 2 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1, (
            done.stderr
        )
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_a_render_replaces_an_earlier_one_and_pulls_the_image_named(tmp_path, rendered):
    out = tmp_path / "room"
    render.render(3, out)
    render.render(1, out, image="registry.example:5000/tracebreak:0.1.0")
    assert sorted(p.name for p in out.iterdir()) == ["kustomization.yaml", "room", "trainee-01"]
    objects = kustomize.build(out)
    images = {
        c["image"]
        for c in kustomize.find(objects, "Deployment", "service-a", "trainee-01")["spec"]["template"]["spec"][
            "containers"
        ]
    }
    assert images == {"registry.example:5000/tracebreak:0.1.0"}
