"""Meaning does not depend on where a line ends: both development sets, scanned as written and re-rendered
hard-wrapped at 64 columns (only spaces become line breaks), give the same code F1 within 0.02.

The figures are also a floor: a change that loses accuracy on either set fails here, not in a hidden set.
"""

from __future__ import annotations

import pytest
from shared_sets import SHARED, missing_reason

from cptscan.evaluate.metrics import evaluate, read_jsonl
from cptscan.evaluate.render import render_notes

#: code F1 each set reaches today (cptscan evaluate NOTES GOLD), less a small margin
FLOORS = {"corpus-dev": 0.95, "corpus-dev2": 0.92}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_code_f1_survives_hard_wrapping(scanner, corpus):
    folder = SHARED / corpus
    if not (folder / "gold.jsonl").exists():
        pytest.skip(missing_reason(folder / "gold.jsonl"))
    notes = read_jsonl(folder / "notes.jsonl")
    gold = read_jsonl(folder / "gold.jsonl")
    plain = evaluate(gold, list(scanner.scan(notes)), reps=0)["code"]["f1"]
    wrapped = evaluate(gold, list(scanner.scan(render_notes(notes, "wrap64"))), reps=0)["code"]["f1"]
    assert plain >= FLOORS[corpus]
    assert wrapped >= plain - 0.02, (plain, wrapped)
