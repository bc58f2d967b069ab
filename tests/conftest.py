"""Fixtures every test folder shares: one loaded scanner for the whole session (loading takes seconds)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def scanner():
    import cptscan

    return cptscan.load()
