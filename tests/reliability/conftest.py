"""Reliability tests (issue 8): bad input, faults, large notes, resume after a kill, PHI in logs.

Tests marked ``slow`` (minutes, not seconds) are skipped unless ``CPTSCAN_SLOW=1`` is set or ``-m slow``
is given, so the default ``make test`` stays quick.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes minutes; run with CPTSCAN_SLOW=1 or -m slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CPTSCAN_SLOW") == "1" or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: set CPTSCAN_SLOW=1 (or -m slow) to run")
    here = os.path.dirname(__file__)
    for item in items:
        if "slow" in item.keywords and str(item.fspath).startswith(here):
            item.add_marker(skip)

