"""Short notes (issue 14, item 13): the classifiers keep the probabilities of the sentences they have seen,
and a note scanned with them kept gives the line it gives scanned by a classifier that has seen nothing.

How fast short notes scan is the benchmark's to say (``bench.py --only short_notes``), not a test's.
"""

import json
from pathlib import Path

from cptscan.nlp.classifiers import SentenceClassifier

CORPORA = Path(__file__).resolve().parents[2] / "corpora"


def _classifiers(scanner):
    return [proc for _, proc in scanner.nlp.pipeline if isinstance(proc, SentenceClassifier)]


def test_kept_probabilities_give_the_results_of_a_fresh_model(scanner):
    notes = [json.loads(line) for line in (CORPORA / "handwritten" / "notes.jsonl").read_text().splitlines() if line]
    notes += [json.loads(line) for line in (CORPORA / "generated" / "notes.jsonl").read_text().splitlines()[:300]]
    assert _classifiers(scanner), "the scanner has no classifiers to test"
    warm = list(scanner.scan(notes))  # later notes meet sentences earlier ones brought
    assert any(len(c.seen) for c in _classifiers(scanner))
    cold = []
    for note in notes:
        for classifier in _classifiers(scanner):
            classifier.seen.clear()
        cold.extend(scanner.scan([note]))
    assert warm == cold
