"""The test a note meets before its repairs (``RepairAwareGate``) turns away only notes the repaired note would
not let through the gate: an OCR'd or dictated product name still reaches the pipeline, while the repairs, which
cost several times the gate, run only on the few notes that may hold a service.
"""

import random

import pytest

from cptscan.evaluate.render import render_notes
from perf_helpers import corpus_notes, mtsamples_notes

MTSAMPLES_NOTES = 600


@pytest.fixture(scope="module")
def parts(scanner):
    return scanner.gate, scanner.repairs, scanner.repair_gate


def _repaired_passes(gate, repairs, text: str) -> bool:
    """The scanner's first gate decision on a repaired note (``Scanner._parse``)."""
    return gate.passes(repairs(text).text.replace("\n", " "))


@pytest.mark.parametrize("text", [
    "C1eerly report reviewed today.",  # a digit for a letter
    "Deep Vlew images of the burn were taken.",  # a stray space and a look-alike
    "A I-QCT report reviewed.",  # spelled-out letters
    "perivascu1ar fat attenuation was read.",
])
def test_a_note_only_its_repairs_let_through_is_not_turned_away(parts, text):
    gate, repairs, first = parts
    assert not gate.passes(text) and _repaired_passes(gate, repairs, text)
    assert first.may_pass(text)


def test_notes_without_a_service_are_turned_away_before_their_repairs(parts):
    _, _, first = parts
    assert not first.may_pass("The knee was stable. No effusion. Plaque psoriasis on both elbows.")
    assert not first.may_pass("Cardiac history: MI.\nCT of the abdomen was normal.")  # words in two clauses


@pytest.mark.parametrize("rendering", [None, "ocr", "dictation", "wrap48"])
def test_every_corpus_note_the_repairs_let_through_passes_the_first_test(parts, rendering):
    gate, repairs, first = parts
    notes = corpus_notes()
    if rendering is not None:
        notes = list(render_notes(notes, rendering))
    missed = [n["note_id"] for n in notes if not first.may_pass(n["text"]) and _repaired_passes(gate, repairs, n["text"])]
    assert not missed
    assert any(not first.may_pass(n["text"]) for n in notes)


def test_real_notes_are_turned_away_before_their_repairs_unless_the_repairs_could_matter(parts):
    gate, repairs, first = parts
    notes = mtsamples_notes()
    random.Random(12).shuffle(notes)
    notes = notes[:MTSAMPLES_NOTES]
    let_through = [n for n in notes if first.may_pass(n["text"])]
    assert not [n["note_id"] for n in notes if n not in let_through and _repaired_passes(gate, repairs, n["text"])]
    assert len(let_through) < 0.05 * len(notes)  # what spares the repairs on nearly every real note
