"""Chart-level figures on the shared dev charts: scan the notes, reconcile with the claims, score.

    .venv/bin/python tests/reconcile/dev_charts.py [--shared ../shared] [--results RESULTS.jsonl] [--gold-notes]

``--gold-notes`` reconciles the annotators' note-level gold instead of scanner output: the reconciler's
own ceiling, separating its errors from the note-level scanner's. Only ids and finding keys are printed.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Optional

from cptscan.evaluate.metrics import chart_errors, chart_level
from cptscan.reconcile import reconcile

DEFAULT_SHARED = Path(os.environ.get("CPTSCAN_SHARED", Path(__file__).resolve().parents[3] / "shared"))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def chart_notes(corpus: Path) -> list[dict]:
    """The notes that belong to a chart (standalone notes cannot reach a claim)."""
    return [n for n in _jsonl(corpus / "notes.jsonl") if n.get("chart_id")]


def gold_results(corpus: Path, notes: list[dict]) -> list[dict]:
    """Note-level gold in the result shape, with each note's chart and date."""
    by_id = {n["note_id"]: n for n in notes}
    return [{**g, **{k: by_id[g["note_id"]].get(k) for k in ("chart_id", "date_of_service", "note_type")}}
            for g in _jsonl(corpus / "gold.jsonl") if g["note_id"] in by_id]


def scanned_results(notes: list[dict], results_path: Optional[Path]) -> list[dict]:
    if results_path:
        by_id = {n["note_id"]: n for n in notes}
        return [{**{k: by_id[r["note_id"]].get(k) for k in ("chart_id", "date_of_service", "note_type")}, **r}
                for r in _jsonl(results_path) if r.get("note_id") in by_id]
    import cptscan

    return list(cptscan.load().scan(notes))


def measure(corpus: Path, results_path: Optional[Path] = None, gold_notes: bool = False) -> dict:
    notes = chart_notes(corpus)
    results = gold_results(corpus, notes) if gold_notes else scanned_results(notes, results_path)
    claims, gold = _jsonl(corpus / "claims.jsonl"), _jsonl(corpus / "chart_gold.jsonl")
    findings = reconcile(results, claims)
    return {"score": chart_level(gold, findings, claims), "errors": chart_errors(gold, findings, claims)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--gold-notes", action="store_true")
    args = parser.parse_args()
    out = measure(args.shared / "corpus-dev", args.results, args.gold_notes)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
