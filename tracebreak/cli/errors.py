"""What the commands raise for bad input, or for a package this install lacks: printed as one message,
exit code 2."""

# The bare install (the doctor, lint, the readers) leaves the cascade and its local stack to this extra.
DEMO_EXTRA = "pip install 'tracebreak[demo]'"
OURS = ("tracebreak", "services", "loadgen")


class UsageError(Exception):
    pass


def demo_lacking(missing: ImportError) -> bool:
    """The import failed on a package this install lacks, not on tracebreak's own code."""
    return missing.name is not None and missing.name.split(".")[0] not in OURS


def needs_demo(command: str, missing: ImportError) -> UsageError:
    return UsageError(
        f"tracebreak {command} needs the demo's packages ({missing.name} is not installed): {DEMO_EXTRA}"
    )
