"""Parallel scanning gives exactly the single-process results, in input order.

* ``Scanner.scan(records, jobs=2)`` on ~100 notes (dev set, corpora, real MTSamples notes, plus records that
  fail validation) equals ``jobs=1`` line for line;
* the cptscan pipeline pickles, and ``nlp.pipe(docs, n_process=2)`` equals single-process output.
"""

import pickle
import random

import pytest

from cptscan.nlp.pipeline import make_doc, mentions_of
from perf_helpers import corpus_notes, mtsamples_notes


@pytest.fixture(scope="module")
def records(scanner):
    rng = random.Random(6)
    corpus = corpus_notes()
    real = mtsamples_notes()
    gated = [n for n in real if scanner.gate.passes(n["text"])]
    notes = rng.sample(corpus, 60) + rng.sample(gated, 20) + rng.sample(real, 20)
    rng.shuffle(notes)
    # records that become error lines must keep their place too
    notes[10:10] = [{"note_id": notes[3]["note_id"], "text": "duplicate id"}, {"note_id": "E-1", "text": "   "},
                    {"text": "no id"}, "not a record"]
    return notes


def test_jobs2_equals_jobs1_in_order(scanner, records):
    one = list(scanner.scan(records))
    two = list(scanner.scan(records, jobs=2))
    assert len(one) == len(two) == len(records)
    assert [r["note_id"] for r in two] == [r["note_id"] for r in one]
    for a, b in zip(one, two):
        assert a == b, a["note_id"]
    assert any(r["codes"] for r in one) and any(r["error"] for r in one)


def _docs(scanner, notes):
    return [make_doc(scanner.nlp, n["text"], n.get("date_of_service"), n.get("note_type")) for n in notes]


def _summary(doc):
    return [s.start_char for s in doc.sents], mentions_of(doc)


def test_pipeline_pickles(scanner, records):
    notes = [r for r in records if isinstance(r, dict) and r.get("note_id", "").startswith(("G-", "D-", "H-"))][:10]
    clone = pickle.loads(pickle.dumps(scanner.nlp))
    assert clone.pipe_names == scanner.nlp.pipe_names
    expected = [_summary(d) for d in scanner.nlp.pipe(_docs(scanner, notes))]
    assert [_summary(d) for d in clone.pipe(_docs(scanner, notes))] == expected




def test_nlp_pipe_n_process_2_equals_single_process(scanner, records):
    notes = [r for r in records if isinstance(r, dict) and isinstance(r.get("text"), str) and r["text"].strip()][:40]
    expected = [_summary(d) for d in scanner.nlp.pipe(_docs(scanner, notes))]
    got = [_summary(d) for d in scanner.nlp.pipe(_docs(scanner, notes), n_process=2, batch_size=8)]
    assert got == expected
