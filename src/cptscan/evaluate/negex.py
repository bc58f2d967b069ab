"""The public NegEx test kit (2,376 annotated sentences from 120 reports): reader and scorer.

Why: the scanner's ConText assertions decide whether a negated, historical or family mention can
trigger a code. This kit is the one public, like-for-like check of the negation part, with published
figures for GeneralNegEx v1.2 and genConText on the very same sentences
(``/work/shared/external/README.md`` section 2).

Two file layouts are read, told apart by their header:

* ``rsAnnotations-1-120-random.txt``: ``line number, Condition, sentence, negation_status,
  temporality, experiencer``; plain tabs, no quoting.
* ``Annotations-1-120.txt``: ``Report No., Concept, Sentence, Negation``; CRLF rows and Excel-style
  quoting (sentences with commas or quotes wrapped in ``"..."``), read with ``csv`` (tab delimiter).
  It has no temporality or experiencer, so those come back as None.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional, Union

from cptscan.evaluate.metrics import prf

AssertionOf = Callable[[str, str], str]

#: figures published for this kit; P/R/F as stated by the sources, counts where they give them.
PUBLISHED: dict[str, dict[str, Any]] = {
    "GeneralNegEx v1.2": {
        "precision": 0.935, "recall": 0.959, "f": 0.947,
        "tp": 471, "fp": 33, "tn": 1852, "fn": 20,
        "source": "GeneralNegEx.Java.v.1.2.05092009/README (chapmanbe/negex)",
    },
    "genConText": {
        "precision": 0.984, "recall": 0.978, "f": 0.981,
        "tp": 480, "fp": 8, "tn": 1877, "fn": 11,
        "source": "genConText/README.txt (chapmanbe/negex)",
    },
}


class NegexItem(NamedTuple):
    """One annotated (concept, sentence) pair; temporality/experiencer are None in the plain file."""

    concept: str
    sentence: str
    gold_negated: bool
    temporality: Optional[str]
    experiencer: Optional[str]


def read_negex(path: Union[str, Path]) -> Iterator[NegexItem]:
    """Yield the items of either kit file, in file order (header skipped)."""
    with open(path, newline="", encoding="utf-8") as handle:
        first = handle.readline()
        randomized = first.lower().startswith("line number")
        quoting = csv.QUOTE_NONE if randomized else csv.QUOTE_MINIMAL
        for row in csv.reader(handle, delimiter="\t", quoting=quoting):
            if not row or not any(cell.strip() for cell in row):
                continue
            concept, sentence, negation = row[1], row[2], row[3]
            temporality = row[4].strip() if randomized and len(row) > 4 else None
            experiencer = row[5].strip() if randomized and len(row) > 5 else None
            yield NegexItem(concept.strip(), sentence, negation.strip().lower() == "negated", temporality, experiencer)


def binary_scores(tp: int, fp: int, tn: int, fn: int) -> dict[str, Any]:
    """The kit's usual figures for one positive class: sensitivity, PPV, specificity, accuracy, F."""
    base = prf(tp, fp, fn)
    total = tp + fp + tn + fn
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "sensitivity": base["recall"],
        "ppv": base["precision"],
        "specificity": tn / (tn + fp) if tn + fp else 0.0,
        "accuracy": (tp + tn) / total if total else 0.0,
        "f": base["f1"],
    }


def _confusion(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    for gold, pred in pairs:
        counts[("t" if gold == pred else "f") + ("p" if pred else "n")] += 1
    return binary_scores(**counts)


def score_negation(items: Iterable[NegexItem], assertion_of: AssertionOf) -> dict[str, Any]:
    """Score ``assertion_of(sentence, concept)`` on the kit.

    * negation: positive = gold Negated; predicted positive = ``"negated"`` (anything else, including
      a "possible"-like answer, is not negated -- the kit's own convention).
    * temporality (rs file only): positive = gold Historical; predicted positive = ``"historical"``;
      items whose gold is "Not particular" are left out.
    * experiencer (rs file only): positive = gold not Patient; predicted positive = ``"family"``.

    A call that raises is counted in ``errors`` and scored as ``"affirmed"`` so that one bad
    sentence does not hide the rest; a non-zero ``errors`` must be read as a defect.
    """
    negation, temporality, experiencer = [], [], []
    errors = 0
    items = list(items)
    for item in items:
        try:
            answer = str(assertion_of(item.sentence, item.concept)).lower()
        except Exception:  # noqa: BLE001 - counted and reported, see docstring
            errors += 1
            answer = "affirmed"
        negation.append((item.gold_negated, answer == "negated"))
        if item.temporality and item.temporality.lower() in ("historical", "recent"):
            temporality.append((item.temporality.lower() == "historical", answer == "historical"))
        if item.experiencer:
            experiencer.append((item.experiencer.lower() != "patient", answer == "family"))
    return {
        "items": len(items),
        "errors": errors,
        "negation": _confusion(negation),
        "temporality": _confusion(temporality) if temporality else None,
        "experiencer": _confusion(experiencer) if experiencer else None,
        "published": PUBLISHED,
    }
