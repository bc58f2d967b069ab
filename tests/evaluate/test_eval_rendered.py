"""Meaning does not depend on how a note reached us: both development sets, scanned as written and re-rendered
hard-wrapped at 64 columns, as a speech recogniser writes a dictation, and as OCR reads a faxed print-out
(seeded noise, ``cptscan.evaluate.render``), give the same code F1 within 0.02.

The plain figures are also a floor: a change that loses accuracy on either set fails here, not in a hidden set.
"""

from __future__ import annotations

import pytest
from shared_sets import SHARED, missing_reason

from cptscan.evaluate.metrics import evaluate, read_jsonl
from cptscan.evaluate.render import render_notes

#: code F1 each set reaches today (cptscan evaluate NOTES GOLD), less a small margin
FLOORS = {"corpus-dev": 0.95, "corpus-dev2": 0.92}
#: how much code F1 a rendering may cost
MAX_DROP = 0.02


def _sets():
    for corpus in sorted(FLOORS):
        folder = SHARED / corpus
        if not (folder / "gold.jsonl").exists():
            pytest.skip(missing_reason(folder / "gold.jsonl"))
        yield corpus, read_jsonl(folder / "notes.jsonl"), read_jsonl(folder / "gold.jsonl")


@pytest.fixture(scope="module")
def plain_f1(scanner):
    """Code F1 of each set as written, scanned once for every rendering."""
    return {corpus: evaluate(gold, list(scanner.scan(notes)), reps=0)["code"]["f1"]
            for corpus, notes, gold in _sets()}


@pytest.mark.parametrize("rendering", ["wrap64", "dictation", "ocr"])
@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_code_f1_survives_rendering(scanner, plain_f1, corpus, rendering):
    notes, gold = (read_jsonl(SHARED / corpus / name) for name in ("notes.jsonl", "gold.jsonl"))
    rendered = evaluate(gold, list(scanner.scan(render_notes(notes, rendering))), reps=0)["code"]["f1"]
    assert plain_f1[corpus] >= FLOORS[corpus]
    assert rendered >= plain_f1[corpus] - MAX_DROP, (corpus, rendering, plain_f1[corpus], rendered)
