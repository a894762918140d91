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

from tracebreak.chaos.catalogue import BY_NAME, CATALOGUE, Toggle, toggle

SCHEMA = "https://flagd.dev/schema/v0/flags.json"

# A drill (tracebreak/drill) keeps its state beside the flag file: while it runs the toggles are hidden.
DRILL_STATE = "drill.json"
DRILL_HIDDEN = "a drill is running here: the toggles stay hidden until `tracebreak drill stop`"

# Lab mode (tracebreak/lab) keeps its state beside the flag file too: while it is on the web view holds
# each verdict until asked, and the services keep quiet about hits.
LAB_MODE = "lab-mode.json"

# Off while a drill runs or lab mode is on: the services then keep quiet about which toggle hit a
# request (no feature_flag event on the span, no log line); absent or on, they say it.
ANNOUNCE_HITS = "announce-hits"


class FlagFileError(ValueError):
    """The flag file cannot be used; the message names the file, the line and what is wrong."""


def default_flags() -> dict[str, Any]:
    """Every service-side toggle, off."""
    return {
        "$schema": SCHEMA,
        "flags": {t.name: _flag(t, None) for t in CATALOGUE if t.envoy_runtime_key is None},
    }


def write_defaults(path: Path) -> None:
    """Every toggle off, in one write; the services stay quiet about hits while lab mode is on."""
    document = default_flags()
    if lab_mode_on(path):
        document["flags"][ANNOUNCE_HITS] = _announce_flag(False)
    write(path, document)


def _flag(t: Toggle, value: Any | None) -> dict[str, Any]:
    """One toggle's flag: its "on" variant holds the setting, and is in force unless value is None."""
    off = t.setting.off
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
        elif name in BY_NAME and not all(BY_NAME[name].setting.fits(value) for value in variants.values()):
            problems.append(f"flag {name!r}: its variants must be {BY_NAME[name].setting.expected}")
    return problems


def state(document: dict[str, Any], t: Toggle) -> Any:
    """The value in force for a service-side toggle: its "off" value unless the "on" variant is chosen."""
    flag = document["flags"].get(t.name)
    if not flag or flag.get("state") != "ENABLED":
        return t.setting.off
    return flag["variants"].get(flag["defaultVariant"], t.setting.off)


def set_toggle(path: Path, name: str, value: Any | None) -> dict[str, Any]:
    """Turn a service-side toggle on with `value`, or off (None); written atomically."""
    t = toggle(name)
    document = read(path)
    document["flags"][t.name] = _flag(t, value)
    write(path, document)
    return document


def drill_running(flags: Path) -> bool:
    return (flags.parent / DRILL_STATE).exists()


def lab_mode_on(flags: Path) -> bool:
    return (flags.parent / LAB_MODE).exists()


def set_announce_hits(path: Path, on: bool) -> None:
    document = read(path)
    document["flags"][ANNOUNCE_HITS] = _announce_flag(on)
    write(path, document)


def _announce_flag(on: bool) -> dict[str, Any]:
    variant = "on" if on else "off"
    return {"state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": variant}


def write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    before_ns = path.stat().st_mtime_ns if path.exists() else 0
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as temporary:
        json.dump(document, temporary, indent=2)
        temporary.write("\n")
    # A new file with a new mtime: the flagd provider reloads on a newer mtime only.
    os.replace(temporary.name, path)
    # The kernel stamps files with a clock that moves in ticks of milliseconds: two writes within one
    # tick would share an mtime, and the provider would never see the second.
    if path.stat().st_mtime_ns <= before_ns:
        later_ns = before_ns + 1_000_000
        os.utime(path, ns=(later_ns, later_ns))
