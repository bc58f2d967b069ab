"""Data helpers of the performance-correctness tests (gate, parallel scanning)."""

import csv
import json
import sys
from pathlib import Path

import pytest
from shared_sets import ROOT, SHARED, missing_reason

MTSAMPLES = SHARED / "external" / "mtsamples" / "mtsamples.csv"

csv.field_size_limit(sys.maxsize)


def jsonl(path: Path) -> list:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mtsamples_notes() -> list:
    if not MTSAMPLES.exists():
        pytest.skip(missing_reason(MTSAMPLES))
    with open(MTSAMPLES, encoding="utf-8", newline="") as fh:
        return [{"note_id": f"MT-{r['note_id']}", "text": r["transcription"]}
                for r in csv.DictReader(fh) if r["transcription"].strip()]


def corpus_notes() -> list:
    notes = jsonl(ROOT / "corpora" / "generated" / "notes.jsonl") + jsonl(ROOT / "corpora" / "handwritten" / "notes.jsonl")
    dev = SHARED / "corpus-dev" / "notes.jsonl"
    return notes + (jsonl(dev) if dev.exists() else [])
