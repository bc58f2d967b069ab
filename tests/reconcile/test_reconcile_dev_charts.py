"""Chart-level figures on the shared dev charts (skipped where ../shared is not checked out)."""

from __future__ import annotations

import pytest
from dev_charts import measure
from shared_sets import SHARED, needs_shared

CORPUS = SHARED / "corpus-dev"
TARGET_F1 = 0.90

pytestmark = needs_shared("corpus-dev", "chart_gold.jsonl")


def test_reconciler_reaches_chart_gold_from_note_gold():
    """With the annotators' note-level decisions the reconciler alone must make no chart error."""
    out = measure(CORPUS, gold_notes=True)
    assert out["errors"] == []


def test_scanner_and_reconciler_reach_the_target():
    cptscan = pytest.importorskip("cptscan")
    if not hasattr(cptscan, "load"):
        pytest.skip("the scanner (cptscan.load) is not there yet")
    out = measure(CORPUS)
    assert out["score"]["findings"]["f1"] >= TARGET_F1, out["errors"]
