"""A clone without ../shared: the tests that need the shared development sets skip, each saying why."""

from __future__ import annotations

import os
import subprocess
import sys

from shared_sets import ROOT

NEEDS_SHARED = [
    "tests/evaluate/test_eval_notebook.py::test_evaluation_notebook_executes",
    "tests/evaluate/test_eval_rendered.py",
    "tests/evaluate/test_eval_outputs.py::test_gold_as_predictions_scores_perfectly_on_dev_set",
    "tests/evaluate/test_eval_negex.py",
    "tests/unit/test_negation_kit.py::test_negex_kit_precision_and_recall",
    "tests/reconcile/test_reconcile_dev_charts.py",
]


def test_tests_needing_the_shared_sets_skip_with_the_reason(tmp_path):
    env = {**os.environ, "CPTSCAN_SHARED": str(tmp_path / "no-shared")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *NEEDS_SHARED],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]  # nothing failed for want of the sets
    skipped = [line for line in proc.stdout.splitlines() if line.startswith("SKIPPED")]
    for test in NEEDS_SHARED:
        assert any(test.split("::")[0] in line and "which are not in this repository" in line for line in skipped), test
