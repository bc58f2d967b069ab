"""A hand-made four-note case whose counts are worked out by hand in the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _code(code, status, missing=(), coverage=None, evidence=()):
    return {"code": code, "status": status, "missing": list(missing), "coverage_documented": coverage,
            "evidence": [{"text": t} for t in evidence]}


GOLD = [
    {"note_id": "N1", "codes": [_code("75577", "supported")],
     "concepts": ["CCTA_PLAQUE_ANALYSIS", "PHYSICIAN_INTERPRETATION"],
     "spans": [{"start": 0, "end": 10, "label": "CCTA_PLAQUE_ANALYSIS", "assertion": "affirmed"},
               {"start": 20, "end": 30, "label": "PHYSICIAN_INTERPRETATION", "assertion": "affirmed"}],
     "rationale": "plaque analysis read by cardiologist"},
    {"note_id": "N2", "codes": [_code("0993T", "documentation_gap", ["interpretation"], False)],
     "concepts": ["PERIVASCULAR_FAT_ANALYSIS", "SAME_SESSION_CT"], "rationale": "no physician read"},
    {"note_id": "N3", "codes": [], "concepts": [], "rationale": "negative"},
    {"note_id": "N4", "codes": [_code("0972T", "supported", coverage=True)],
     "concepts": ["BURN_MULTISPECTRAL_IMAGING"], "rationale": "burn imaging with decision"},
]

RESULTS = [
    {"note_id": "N1", "codes": [_code("75577", "supported", evidence=["AI plaque"])],
     "concepts": ["CCTA_PLAQUE_ANALYSIS"],
     "mentions": [{"start": 0, "end": 10, "label": "CCTA_PLAQUE_ANALYSIS", "assertion": "affirmed"},
                  {"start": 22, "end": 35, "label": "PHYSICIAN_INTERPRETATION", "assertion": "negated"},
                  {"start": 40, "end": 50, "label": "AI_PROCESS", "assertion": "affirmed"}],
     "error": None},
    {"note_id": "N2", "codes": [_code("0993T", "documentation_gap", ["interpretation", "process"], True),
                                _code("0992T", "needs_review")],
     "concepts": ["PERIVASCULAR_FAT_ANALYSIS", "SAME_SESSION_CT"], "error": None},
    {"note_id": "N3", "codes": [_code("0992T", "supported", coverage=False, evidence=["fat analysis", "score"])],
     "concepts": ["PERIVASCULAR_FAT_ANALYSIS"], "error": None},
    # N4 has no result line: it predicts nothing
]

CHART_GOLD = [
    {"chart_id": "C1", "findings": [
        {"type": "missed_opportunity", "code": "75577", "date_of_service": "2026-02-03"},
        {"type": "wrong_variant", "billed": "0992T", "expected": "0993T", "date_of_service": "2026-05-19"}]},
    {"chart_id": "C2", "findings": []},
]

FINDINGS = [
    {"chart_id": "C1", "findings": [
        {"type": "missed_opportunity", "code": "75577", "date_of_service": "2026-02-03",
         "evidence": [{"note_id": "X"}], "reason": "documented, not billed"},
        {"type": "wrong_variant", "billed": "0993T", "expected": "0992T", "date_of_service": "2026-05-19",
         "reason": "variant"}]},
    {"chart_id": "C2", "findings": [{"type": "unsupported_claim", "code": "0972T", "date_of_service": "2025-09-16"}]},
    {"chart_id": "C9", "findings": [{"type": "deleted_code", "code": "0623T", "date_of_service": "2026-02-10"}]},
]

CLAIMS = [{"chart_id": "C1", "lines": []}, {"chart_id": "C2", "lines": []}]


@pytest.fixture
def case():
    return {"gold": GOLD, "results": RESULTS, "chart_gold": CHART_GOLD, "findings": FINDINGS, "claims": CLAIMS}


def write_jsonl(path: Path, lines) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def case_files(tmp_path):
    return {name: write_jsonl(tmp_path / f"{name}.jsonl", lines) for name, lines in
            {"notes": [{"note_id": g["note_id"], "text": "-"} for g in GOLD], "gold": GOLD, "results": RESULTS,
             "chart_gold": CHART_GOLD, "findings": FINDINGS, "claims": CLAIMS}.items()}
