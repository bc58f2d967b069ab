"""The Python API: ``cptscan.load()``, ``scan()`` (one result per record, in order) and ``scan_text()``."""

from __future__ import annotations

import types

import cptscan
from cptscan.scanner import Scanner

PLAQUE = ("CORONARY CT ANGIOGRAPHY\nCoronary CTA performed today. The CCTA data set was analysed with Cleerly AI "
          "plaque quantification.\nIMPRESSION: My interpretation: mild plaque burden, continue statin.")
BURN = ("BURN CLINIC NOTE\nDeepView multispectral images of the right hand burn were captured today.\n"
        "My interpretation of the DeepView map: non-healing dorsum, plan excision. Benefits verified.")
NOTHING = "Follow-up for hypertension. BP 128/80. Continue lisinopril."


def test_load_returns_a_scanner(scanner):
    assert isinstance(scanner, Scanner)
    assert cptscan.__version__ == scanner.versions["cptscan"]


def test_scan_is_lazy_and_keeps_order(scanner):
    records = [
        {"note_id": "a", "chart_id": "C1", "date_of_service": "2026-02-01", "note_type": "radiology_report",
         "text": PLAQUE},
        {"note_id": "b", "text": NOTHING},
        {"note_id": "c", "text": BURN, "date_of_service": "2026-02-02"},
    ]
    out = scanner.scan(records)
    assert isinstance(out, types.GeneratorType)
    results = list(out)
    assert [r["note_id"] for r in results] == ["a", "b", "c"]
    assert [[c["code"] for c in r["codes"]] for r in results] == [["75577"], [], ["0972T"]]
    assert results[0]["chart_id"] == "C1" and results[0]["note_type"] == "radiology_report"
    assert results[0]["date_of_service"] == "2026-02-01"
    assert results[1]["concepts"] == [] and results[1]["mentions"] == []


def test_one_result_per_record_even_for_bad_records(scanner):
    records = [
        {"note_id": "ok", "text": PLAQUE},
        {"text": PLAQUE},                                  # no note_id
        {"note_id": "ok", "text": BURN},                   # duplicate id
        {"note_id": "empty", "text": "  \n "},
        {"note_id": "num", "text": 42},
        {"note_id": "date", "text": PLAQUE, "date_of_service": "14/03/2026"},
        "not a record",
        {"note_id": "last", "text": BURN},
    ]
    results = list(scanner.scan(records))
    assert len(results) == len(records)
    errors = [r["error"]["code"] if r["error"] else None for r in results]
    assert errors == [None, "missing_note_id", "duplicate_note_id", "empty_text", "invalid_text", "invalid_date",
                      "invalid_record", None]
    assert all(r["codes"] == [] for r in results if r["error"])
    assert [c["code"] for c in results[-1]["codes"]] == ["0972T"]


def test_more_than_one_batch(scanner):
    records = [{"note_id": f"n{i}", "text": [PLAQUE, NOTHING, BURN][i % 3]} for i in range(70)]
    results = list(scanner.scan(records))
    assert [r["note_id"] for r in results] == [f"n{i}" for i in range(70)]
    assert [len(r["codes"]) for r in results] == [[1, 0, 1][i % 3] for i in range(70)]


def test_scan_text(scanner):
    result = scanner.scan_text(PLAQUE, note_id="N-7", date_of_service="2026-03-01", chart_id="C-9")
    assert result["note_id"] == "N-7" and result["chart_id"] == "C-9"
    assert result["codes"][0]["code"] == "75577"
    assert scanner.scan_text(NOTHING)["codes"] == []


def test_the_gate_does_not_change_results(scanner):
    ungated = cptscan.load(use_gate=False)
    records = [{"note_id": str(i), "text": t} for i, t in enumerate([PLAQUE, NOTHING, BURN])]
    assert list(scanner.scan(records)) == list(ungated.scan(records))


def test_long_notes_become_error_records():
    small = cptscan.load(max_chars=50)
    result = small.scan_text(PLAQUE)
    assert result["error"]["code"] == "text_too_large"
