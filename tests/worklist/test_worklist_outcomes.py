"""Outcomes of an answered worklist: rates per code and type, and chart_gold lines from the answers."""

from __future__ import annotations

import csv
import io

import pytest

from cptscan.worklist import build_rows, rates, read_csv, render_csv, to_gold


def _answered(charts, decisions):
    """The rendered CSV with the coder's answers filled in by finding type."""
    rows = list(csv.DictReader(io.StringIO(render_csv(build_rows(charts)))))
    for row in rows:
        row["decision"], row["corrected_code"] = decisions.get(row["type"], ("", ""))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return read_csv(out)


ANSWERS = {"deleted_code": ("Accepted", ""), "unsupported_claim": ("rejected", ""),
           "wrong_variant": ("edited", "0993T"), "missed_opportunity": ("accepted", "")}


def test_rates_per_type_and_code(charts):
    report = rates(_answered(charts, ANSWERS))
    assert report["overall"]["answered"] == 4
    assert report["overall"]["accepted_rate"] == pytest.approx(0.5)
    assert report["type"]["unsupported_claim"]["rejected_rate"] == 1.0
    assert report["code"]["75577"]["accepted"] == 1 and report["code"]["75577"]["rejected"] == 1
    assert report["code_type"]["0993T wrong_variant"]["edited_rate"] == 1.0


def test_unanswered_rows_have_no_rate(charts):
    report = rates(_answered(charts, {}))
    assert report["overall"]["answered"] == 0 and report["overall"]["accepted_rate"] is None


def test_to_gold_keeps_accepted_and_edited(charts):
    gold = to_gold(_answered(charts, ANSWERS))
    assert gold == [
        {"chart_id": "C1", "findings": []},
        {"chart_id": "C2", "findings": [
            {"type": "deleted_code", "date_of_service": "2026-02-17", "code": "0623T", "suggested": "75577"},
            {"type": "wrong_variant", "date_of_service": "2026-02-17", "billed": "0993T", "expected": "0993T"},
            {"type": "missed_opportunity", "date_of_service": "2026-02-17", "code": "75577"},
        ]},
    ]


def test_to_gold_leaves_out_charts_still_pending(charts):
    gold = to_gold(_answered(charts, {"deleted_code": ("accepted", "")}))
    assert gold == []
