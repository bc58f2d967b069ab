"""Fixtures of the performance-correctness tests: one gated and one ungated scanner per session."""

import pytest


@pytest.fixture(scope="session")
def scanner():
    import cptscan

    return cptscan.load()


@pytest.fixture(scope="session")
def ungated_scanner():
    import cptscan

    return cptscan.load(use_gate=False)
