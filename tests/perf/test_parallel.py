"""Parallel scanning gives exactly the single-process results, in input order.

* ``Scanner.scan(records, jobs=2)`` on ~100 notes (dev set, corpora, real MTSamples notes, plus records that
  fail validation) equals ``jobs=1`` line for line;
* a worker that dies or fails ends the scan with a clear error, not a hang, and leaves no process behind;
  a caller that stops reading early stops the workers; the input is read only a few chunks ahead;
* the cptscan pipeline pickles, and ``nlp.pipe(docs, n_process=2)`` equals single-process output.
"""

import multiprocessing
import os
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


def _kill_on(note_id, how):
    """A Scanner._scan_batch that, in a worker, dies (``exit``) or raises (``raise``) on one note."""
    from cptscan.scanner import Scanner

    original = Scanner._scan_batch

    def scan_batch(self, batch, seen):
        if any(isinstance(r, dict) and r.get("note_id") == note_id for r in batch):
            if how == "exit":
                os._exit(3)
            raise KeyError("boom")
        return original(self, batch, seen)
    return scan_batch


@pytest.mark.parametrize("how,message", [("exit", "stopped unexpectedly"), ("raise", "failed on chunk .* KeyError")])
def test_a_worker_that_dies_or_fails_stops_the_scan_with_an_error(scanner, monkeypatch, how, message):
    from cptscan.scanner import Scanner

    notes = [{"note_id": f"N{i}", "text": "Chest pain. Troponin negative."} for i in range(200)]
    monkeypatch.setattr(Scanner, "_scan_batch", _kill_on("N150", how))
    out = []
    with pytest.raises(RuntimeError, match=message):
        for result in scanner.scan(notes, jobs=2):
            out.append(result["note_id"])
    assert out == [f"N{i}" for i in range(len(out))] and len(out) < 150  # in order, up to the failed chunk
    assert not multiprocessing.active_children()


def test_workers_read_a_few_chunks_ahead_and_stop_with_the_caller(scanner):
    read = []

    def stream():
        for i in range(10_000):
            read.append(i)
            yield {"note_id": f"S{i}", "text": "Follow-up visit, no complaints."}

    results = scanner.scan(stream(), jobs=2)
    first = [next(results) for _ in range(20)]
    assert [r["note_id"] for r in first] == [f"S{i}" for i in range(20)]
    results.close()  # the caller stops reading: workers are stopped, not left scanning the rest
    assert len(read) < 20 * 16
    assert not multiprocessing.active_children()

