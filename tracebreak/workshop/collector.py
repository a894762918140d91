"""A collector's configuration as it runs in the render: every `--config` file its Deployment or
StatefulSet passes, read from the ConfigMaps mounted there and merged as the collector merges them
(maps key by key, a later file's list replacing the earlier one)."""

from pathlib import PurePosixPath
from typing import Any

import yaml

from tracebreak.workshop.kustomize import find


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(result.get(key), dict)
        result[key] = merged(result[key], value) if both else value
    return result


def effective(objects: list[dict[str, Any]], kind: str, name: str, namespace: str) -> dict[str, Any]:
    pod = find(objects, kind, name, namespace)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    volumes = {v["name"]: v.get("configMap", {}).get("name") for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
    config: dict[str, Any] = {}
    for arg in container["args"]:
        path = PurePosixPath(arg.removeprefix("--config="))
        data = find(objects, "ConfigMap", mounts[str(path.parent)], namespace)["data"]
        config = merged(config, yaml.safe_load(data[path.name]))
    return config


def traces_exporters(config: dict[str, Any]) -> dict[str, Any]:
    """The traces pipeline's exporters, each with its settings."""
    names = config["service"]["pipelines"]["traces"]["exporters"]
    return {exporter: config["exporters"][exporter] for exporter in names}
