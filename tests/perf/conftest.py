"""Fixtures of the performance-correctness tests: an ungated scanner beside the session's (tests/conftest.py)."""

import pytest


@pytest.fixture(scope="session")
def ungated_scanner():
    import cptscan

    return cptscan.load(use_gate=False)
