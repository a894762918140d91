"""`tracebreak up` (what `make demo` runs from .venv/bin) says how to put `tracebreak` on the PATH in
another terminal, and says nothing where it is there already."""

import shutil
import sys
from pathlib import Path

import pytest

from tracebreak.cli import up


@pytest.mark.skipif(not (Path(sys.executable).parent / "activate").exists(), reason="not run from a venv")
def test_without_tracebreak_on_the_path_it_names_the_venv_s_activate(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert up._activate().startswith("in another terminal: source ")
    assert up._activate().rstrip().endswith("bin/activate")


def test_with_tracebreak_on_the_path_it_says_nothing(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/local/bin/tracebreak")
    assert up._activate() == ""
