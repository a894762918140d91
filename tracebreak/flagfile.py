"""The flag file every service reads (flagd format): written by `tracebreak chaos`, checked on read.

Each service-side toggle is one flag with an "off" and an "on" variant; `defaultVariant` says which
is in force. The "on" variant holds the setting: a rate (0-1), milliseconds, true for a switch, or
the name of a service.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tracebreak.toggles import BY_NAME, CATALOGUE, SERVICES, Toggle, toggle

SCHEMA = "https://flagd.dev/schema/v0/flags.json"
OFF_VALUES: dict[str, Any] = {"rate": 0.0, "milliseconds": 0, "switch": False, "service": "none"}
DEFAULT_MILLISECONDS = 500


class FlagFileError(ValueError):
    """The flag file cannot be used; the message names the file, the line and what is wrong."""


def default_flags() -> dict[str, Any]:
    """Every service-side toggle, off."""
    return {
        "$schema": SCHEMA,
        "flags": {t.name: _flag(t, None) for t in CATALOGUE if t.envoy_runtime_key is None},
    }


def _flag(t: Toggle, value: Any | None) -> dict[str, Any]:
    """One toggle's flag: its "on" variant holds the setting, and is in force unless value is None."""
    off = OFF_VALUES[t.value]
    return {
        "state": "ENABLED",
        "variants": {"off": off, "on": off if value is None else value},
        "defaultVariant": "off" if value is None else "on",
    }


def read(path: Path) -> dict[str, Any]:
    """The parsed file, or FlagFileError saying where it is wrong (the services keep their last good one)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return default_flags()
    except OSError as error:
        raise FlagFileError(f"{path}: cannot read it: {error.strerror}") from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FlagFileError(
            f"{path}, line {error.lineno}, column {error.colno}: {error.msg}"
            " (fix it, or start over with `tracebreak chaos reset`)"
        ) from error
    problems = check(document)
    if problems:
        raise FlagFileError(f"{path}: " + "; ".join(problems))
    return document


def check(document: Any) -> list[str]:
    if not isinstance(document, dict) or not isinstance(document.get("flags"), dict):
        return ['the file must be an object with a "flags" object']
    problems = []
    for name, flag in document["flags"].items():
        if not isinstance(flag, dict):
            problems.append(f"flag {name!r} must be an object")
            continue
        variants = flag.get("variants")
        if flag.get("state") not in ("ENABLED", "DISABLED"):
            problems.append(f"flag {name!r}: state must be ENABLED or DISABLED")
        if not isinstance(variants, dict) or flag.get("defaultVariant") not in variants:
            problems.append(f"flag {name!r}: defaultVariant must name one of its variants")
        elif name in BY_NAME and not all(_fits(BY_NAME[name], value) for value in variants.values()):
            problems.append(f"flag {name!r}: its variants must be {EXPECTED[BY_NAME[name].value]}")
    return problems


EXPECTED = {
    "rate": "numbers from 0 to 1",
    "milliseconds": "whole numbers of milliseconds",
    "switch": "true or false",
    "service": f"one of {', '.join(SERVICES)}, all or none",
}


def _fits(t: Toggle, value: Any) -> bool:
    if t.value == "rate":
        return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    if t.value == "milliseconds":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if t.value == "switch":
        return isinstance(value, bool)
    return value in (*SERVICES, "all", "none")


def state(document: dict[str, Any], t: Toggle) -> Any:
    """The value in force for a service-side toggle: its "off" value unless the "on" variant is chosen."""
    flag = document["flags"].get(t.name)
    if not flag or flag.get("state") != "ENABLED":
        return OFF_VALUES[t.value]
    return flag["variants"].get(flag["defaultVariant"], OFF_VALUES[t.value])


def parse_setting(t: Toggle, rate: float | None, milliseconds: int | None, service: str | None) -> Any:
    """The "on" value for `chaos on`, checked against what the toggle takes."""
    if t.value == "rate":
        value = 1.0 if rate is None else rate
        if not 0 < value <= 1:
            raise ValueError(f"--rate must be above 0 and at most 1, got {value}")
        return value
    if rate is not None:
        how = {"milliseconds": "set it with --ms", "service": "choose with --service"}
        raise ValueError(
            f"{t.name} takes no --rate: {how.get(t.value, 'it acts on the whole process, on or off')}"
        )
    if t.value == "milliseconds":
        value = DEFAULT_MILLISECONDS if milliseconds is None else milliseconds
        if value <= 0:
            raise ValueError(f"--ms must be a positive number of milliseconds, got {value}")
        return value
    if t.value == "service":
        chosen = service or "all"
        if chosen not in (*SERVICES, "all"):
            raise ValueError(f"--service must be one of {', '.join(SERVICES)} or all, got {chosen!r}")
        return chosen
    return True


def set_toggle(path: Path, name: str, value: Any | None) -> dict[str, Any]:
    """Turn a service-side toggle on with `value`, or off (None); written atomically."""
    t = toggle(name)
    document = read(path)
    document["flags"][t.name] = _flag(t, value)
    write(path, document)
    return document


def write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as temporary:
        json.dump(document, temporary, indent=2)
        temporary.write("\n")
    # A new file with a new mtime: the flagd provider reloads on a newer mtime only.
    os.replace(temporary.name, path)
