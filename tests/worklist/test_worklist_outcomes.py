"""Outcomes of an answered worklist: rates per code and type, and chart_gold lines from the answers."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cptscan.worklist import build_rows, rates, read_csv, render_csv, to_gold
from cptscan.worklist.outcomes import AnswerError


def _sheet(charts, decisions, default=("", "")) -> io.StringIO:
    """The rendered CSV with the coder's answers filled in by finding type, as a file would be read."""
    rows = list(csv.DictReader(io.StringIO(render_csv(build_rows(charts)))))
    for row in rows:
        row["decision"], row["corrected_code"] = decisions.get(row["type"], default)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out


def _answered(charts, decisions):
    return read_csv(_sheet(charts, decisions))


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


def test_a_typo_in_a_decision_is_an_error_naming_the_row(charts):
    with pytest.raises(AnswerError, match=r"line \d+ \(id \w+, chart C2\): decision 'acepted' is not one of"):
        read_csv(_sheet(charts, {"deleted_code": ("acepted", "")}))


def test_edited_without_a_corrected_code_is_an_error(charts):
    with pytest.raises(AnswerError, match="edited, but corrected_code is empty"):
        read_csv(_sheet(charts, {"wrong_variant": ("edited", "")}))
    with pytest.raises(AnswerError, match="not a CPT or HCPCS code"):
        read_csv(_sheet(charts, {"wrong_variant": ("edited", "the other one")}))
    edited = _sheet(charts, {"wrong_variant": ("Edited", "0993t")}, default=("accepted", ""))
    [gold] = [g for g in to_gold(read_csv(edited))
              if g["chart_id"] == "C2"]
    assert {"type": "wrong_variant", "date_of_service": "2026-02-17", "billed": "0993T", "expected": "0993T"} in gold["findings"]


def test_the_spreadsheet_protection_quote_is_not_part_of_a_chart_id(charts):
    for chart in charts:
        chart["chart_id"] = "+" + chart["chart_id"]  # a cell a spreadsheet would run as a formula
    sheet = _sheet(charts, {}, default=("accepted", ""))
    assert "'+C1" in sheet.getvalue()
    assert [g["chart_id"] for g in to_gold(read_csv(sheet))] == ["+C1", "+C2"]


def test_outcomes_prints_a_table_and_json_on_request(charts, tmp_path):
    from typer.testing import CliRunner

    from cptscan.cli import app

    path = tmp_path / "answered.csv"
    path.write_text(_sheet(charts, {}, default=("accepted", "")).getvalue(), encoding="utf-8")
    table = CliRunner().invoke(app, ["outcomes", str(path)], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert "accepted rate" in table.stdout and "type deleted_code" in table.stdout and "100%" in table.stdout
    assert json.loads(CliRunner().invoke(app, ["outcomes", str(path), "--json"]).stdout)["overall"]["accepted"] == 4
    path.write_text(_sheet(charts, {"deleted_code": ("acepted", "")}).getvalue(), encoding="utf-8")
    typo = CliRunner().invoke(app, ["outcomes", str(path)])
    assert typo.exit_code == 1 and "'acepted'" in typo.stderr
