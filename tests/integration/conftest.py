"""Integration tests: the installed command line, and typer's runner with the session's scanner (tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cptscan
import cptscan.scanner

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def cli() -> str:
    path = VENV_BIN / "cptscan"
    if not path.exists():
        pytest.skip("the cptscan console script is not installed next to this Python")
    return str(path)


@pytest.fixture
def runner(scanner, monkeypatch):
    """typer's runner, with every command's ``load()`` answering the session's scanner."""
    monkeypatch.setattr(cptscan.scanner, "load", lambda **kwargs: scanner)
    monkeypatch.setattr(cptscan, "load", lambda **kwargs: scanner)
    return CliRunner()
