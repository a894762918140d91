"""Item 6: tail-based sampling in the OpenTelemetry Collector's configuration file."""

from pathlib import Path
from typing import Any

import yaml

from tracebreak.audit.checklist import Result

# The article's three: every error trace, every slow trace, a share of the rest.
POLICIES = {"status_code": "errors", "latency": "slow traces", "probabilistic": "a share of the rest"}


def judge(result: Result, path: Path | None) -> Result:
    if path is None:
        result.status = "SKIP"
        result.evidence.append(
            "no collector runs on the local stack (services export to the store directly); on docker "
            "compose give --collector-config collector/config.yaml"
        )
        return result
    try:
        config = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        result.fail(f"cannot read {path} as YAML: {error}", "the collector")
        return result
    processors = _traces_processors(config if isinstance(config, dict) else {})
    tail = [name for name in processors if name.split("/")[0] == "tail_sampling"]
    if not tail:
        result.fail(
            f"the traces pipeline in {path} has no tail_sampling processor: {processors}",
            "the collector",
        )
        return result
    settings = (config.get("processors") or {}).get(tail[0]) or {}
    kinds = {policy.get("type") for policy in settings.get("policies") or [] if isinstance(policy, dict)}
    lacking = [f"{kind} ({why})" for kind, why in POLICIES.items() if kind not in kinds]
    if lacking:
        result.fail(f"{tail[0]} keeps no policy for {', '.join(lacking)}", "the collector")
    else:
        wait = settings.get("decision_wait", "30s (the default)")
        result.evidence.append(
            f"{tail[0]} in the traces pipeline: {', '.join(POLICIES)}; decision_wait {wait}"
        )
    return result


def _traces_processors(config: dict[str, Any]) -> list[str]:
    pipelines = ((config.get("service") or {}).get("pipelines")) or {}
    return [
        name
        for pipeline, settings in pipelines.items()
        if pipeline.split("/")[0] == "traces" and isinstance(settings, dict)
        for name in settings.get("processors") or []
    ]
