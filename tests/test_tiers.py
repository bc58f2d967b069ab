"""``make check`` (``pytest -m unit``) is the fast tier: in-process module tests, none of the slow kinds."""

from __future__ import annotations

import subprocess
import sys

from shared_sets import ROOT

SLOW = ("tests/reliability/", "tests/perf/", "tests/spark/", "tests/integration/", "tests/models/",
        "tests/service/test_service_process.py", "tests/worklist/test_worklist_html_chromium.py",
        "tests/evaluate/test_eval_notebook.py", "tests/evaluate/test_eval_rendered.py")


def test_the_unit_tier_holds_the_module_tests_and_none_of_the_slow_ones():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m", "unit", "--collect-only",
                           "-q", "tests"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    collected = [line for line in proc.stdout.splitlines() if line.startswith("tests/")]  # "file: count" lines
    for folder in ("tests/unit/", "tests/io/", "tests/reconcile/", "tests/worklist/"):
        assert any(line.startswith(folder) for line in collected), folder
    assert not [line for line in collected if line.startswith(SLOW)]
    assert "check: $(STAMP)\n\t$(BIN)/python -m pytest tests -m unit\n" in (ROOT / "Makefile").read_text()
