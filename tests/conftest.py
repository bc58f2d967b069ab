"""What every test folder shares: one loaded scanner for the session (loading takes seconds), and which tests
make up the fast tier."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def scanner():
    import cptscan

    return cptscan.load()


#: The fast tier (``make check``, ``pytest -m unit``): in-process tests of the scanner, readers and writers,
#: reconciliation, worklist, service app and metrics. Subprocesses, Spark, a browser, the notebook and the
#: long reliability runs are left to ``make test``.
UNIT_TIER = ("unit/", "io/", "reconcile/", "worklist/test_worklist_rows.py", "worklist/test_worklist_outcomes.py",
             "worklist/test_worklist_commands.py", "service/test_service_app.py", "service/test_service_claims.py",
             "evaluate/test_eval_metrics.py", "evaluate/test_eval_outputs.py")
TESTS = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: the fast tier, run by make check (under a minute)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        where = Path(item.fspath).resolve().relative_to(TESTS).as_posix()
        if where.startswith(UNIT_TIER):
            item.add_marker(pytest.mark.unit)
