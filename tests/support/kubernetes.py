"""The workshop room's rendered objects, for the tests, and who the NetworkPolicies let reach whom.

`reaches` evaluates NetworkPolicy as the API defines it: a connection is allowed when the source's
egress policies (if any select it) allow it AND the destination's ingress policies (if any) allow it.
Only what the manifests use is read (matchLabels; no ipBlock, no named ports): anything else raises.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from tracebreak.workshop import kustomize

POD_KINDS = ("Deployment", "StatefulSet", "Job")


def need_kubectl() -> None:
    if kustomize.kubectl() is None:
        pytest.skip(kustomize.HINT)


@dataclass(frozen=True)
class Pod:
    namespace: str
    name: str
    labels: dict[str, str]
    ports: tuple[int, ...]


def pods(objects: list[dict[str, Any]]) -> list[Pod]:
    found = []
    for item in objects:
        if item["kind"] in POD_KINDS:
            template = item["spec"]["template"]
            ports = tuple(
                p["containerPort"] for c in template["spec"]["containers"] for p in c.get("ports", [])
            )
            labels = template["metadata"]["labels"]
            found.append(Pod(item["metadata"]["namespace"], item["metadata"]["name"], labels, ports))
    return found


def namespace_labels(objects: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Each namespace's labels, with the one the API server sets on every namespace."""
    labels = {"kube-system": {"kubernetes.io/metadata.name": "kube-system"}}
    for item in objects:
        if item["kind"] == "Namespace":
            name = item["metadata"]["name"]
            labels[name] = {**item["metadata"].get("labels", {}), "kubernetes.io/metadata.name": name}
    return labels


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if set(selector) - {"matchLabels"}:
        raise NotImplementedError(f"selector {selector}")
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def _peer(peer: dict[str, Any], policy_ns: str, other: Pod, namespaces: dict[str, dict[str, str]]) -> bool:
    if set(peer) - {"podSelector", "namespaceSelector"}:
        raise NotImplementedError(f"peer {peer}")
    if "namespaceSelector" in peer:
        in_namespace = _selects(peer["namespaceSelector"], namespaces.get(other.namespace, {}))
    else:
        in_namespace = other.namespace == policy_ns
    return in_namespace and _selects(peer.get("podSelector", {}), other.labels)


def _allows(rules: list[dict], side: str, policy_ns: str, other: Pod, port: int, namespaces: dict) -> bool:
    for rule in rules:
        peers = rule.get(side)
        ports = rule.get("ports")
        peer_ok = peers is None or any(_peer(p, policy_ns, other, namespaces) for p in peers)
        port_ok = ports is None or any(p.get("protocol", "TCP") == "TCP" and p["port"] == port for p in ports)
        if peer_ok and port_ok:
            return True
    return False


def _side(objects: list[dict], pod: Pod, kind: str, rules: str, side: str, other: Pod, port: int) -> bool:
    namespaces = namespace_labels(objects)
    policies = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy"
        and o["metadata"]["namespace"] == pod.namespace
        and kind in o["spec"]["policyTypes"]
        and _selects(o["spec"]["podSelector"], pod.labels)
    ]
    if not policies:
        return True
    return any(
        _allows(p["spec"].get(rules, []), side, pod.namespace, other, port, namespaces) for p in policies
    )


def reaches(objects: list[dict[str, Any]], source: Pod, target: Pod, port: int) -> bool:
    """Whether `source` may open a TCP connection to `target` on `port`, by the rendered policies."""
    out = _side(objects, source, "Egress", "egress", "to", target, port)
    return out and _side(objects, target, "Ingress", "ingress", "from", source, port)
