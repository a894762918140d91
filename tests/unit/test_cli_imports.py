"""The console script loads only the subcommand it runs: the doctor and lint start without the
cascade's packages, and a package missing as a command runs is one line naming the extra."""

import argparse
import subprocess
import sys

import pytest

from tracebreak.cli import main

CASCADE = ("grpc", "aiokafka", "fastapi", "uvicorn", "opentelemetry.sdk", "openfeature", "aiohttp")


@pytest.mark.parametrize("command", ["doctor", "lint"])
def test_a_command_of_the_core_imports_nothing_of_the_cascade(command):
    script = (
        "import sys\nfrom tracebreak.cli.main import parser\n"
        f"parser([{command!r}, 'x'])\n"
        f"print(sorted(name for name in {CASCADE!r} if name in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert found.stdout.strip() == "[]", found.stderr


def test_help_still_lists_every_command():
    listed = main.parser().format_help()
    assert all(name in listed for names, _ in main.COMMANDS for name in names)


def failing(error: ImportError) -> argparse.Namespace:
    def run(_: argparse.Namespace) -> int:
        raise error

    return argparse.Namespace(command="drill", run=run)


def test_a_package_missing_as_a_command_runs_names_the_extra():
    with pytest.raises(
        main.UsageError, match=r"tracebreak drill needs .*aiokafka.*pip install 'tracebreak\[demo\]'"
    ):
        main.run(failing(ModuleNotFoundError("No module named 'aiokafka'", name="aiokafka")))


def test_a_module_of_tracebreak_missing_is_a_bug_and_stays_one():
    with pytest.raises(ModuleNotFoundError):
        main.run(failing(ModuleNotFoundError("No module named 'tracebreak.nope'", name="tracebreak.nope")))
