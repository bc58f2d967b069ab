"""Decisions: which corrected codes an edit may choose, what the service refuses, and answered JSONL."""

from __future__ import annotations

import json

import pytest

from cptscan.catalog.catalog import load_catalog
from cptscan.worklist import read_answers, rates, to_gold
from cptscan.worklist.decisions import check, corrections, family, record

CATALOG = load_catalog()


def _row(code, date, **extra):
    return {"id": "r1", "chart_id": "C", "date_of_service": date, "type": "missed_opportunity", "code": code,
            "billed": "", "expected": "", "suggested": "", **extra}


def test_families_follow_variants_and_replacements():
    assert family(CATALOG, "0992T") == {"0992T", "0993T"}
    assert family(CATALOG, "0624T") == {"75577", "0623T", "0624T", "0625T", "0626T"}
    assert family(CATALOG, "0972T") == {"0972T"}
    assert family(CATALOG, "99999") == set()


def test_corrections_are_the_family_in_force_on_the_date():
    assert corrections(_row("75577", "2026-02-03"), CATALOG) == ["75577"]
    assert corrections(_row("75577", "2025-10-01"), CATALOG) == ["0623T", "0624T", "0625T", "0626T"]
    variant = _row("0993T", "2026-02-17", type="wrong_variant", billed="0993T", expected="0992T")
    assert corrections(variant, CATALOG) == ["0992T", "0993T"]


@pytest.mark.parametrize("decision, code, problem", [
    ("accepted", "", None),
    ("", "", None),
    ("edited", "0992T", None),
    ("edited", "", "needs the corrected code"),
    ("edited", "75577", "not a code of this row's service"),
    ("edited", "<img src=x>", "not a code of the catalog"),
    ("maybe", "", "decision must be one of"),
    ("accepted", "0992T", "only with an edited decision"),
])
def test_check_decisions(decision, code, problem):
    row = _row("0993T", "2026-02-17", type="wrong_variant", billed="0993T", expected="0992T")
    found = check(row, decision, code, CATALOG)
    assert found is None if problem is None else problem in found
    assert found is None or "<img" not in found  # nothing the coder typed is quoted back


def test_outcomes_file_lines_read_back_with_the_last_decision_winning(tmp_path):
    row = _row("75577", "2026-02-03")
    path = tmp_path / "outcomes.jsonl"
    lines = [record(row, "accepted", "", "", "h"), record(row, "rejected", "", "not this date", "h"),
             record({**row, "id": "r2", "chart_id": "D"}, "accepted", "", "", "h")]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    rows = read_answers(path)
    assert [(r["id"], r["decision"]) for r in rows] == [("r1", "rejected"), ("r2", "accepted")]
    assert rates(rows)["overall"]["answered"] == 2
    assert to_gold(rows) == [{"chart_id": "C", "findings": []},
                             {"chart_id": "D", "findings": [{"type": "missed_opportunity",
                                                             "date_of_service": "2026-02-03", "code": "75577"}]}]


def test_a_bad_jsonl_line_is_named_by_number_not_content(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text('{"id": "r1", "decision": "accepted"}\n{"id": "r2", "comment": "Jane Doe\n')
    with pytest.raises(ValueError, match="line 2 is not JSON") as err:
        read_answers(path)
    assert "Jane" not in str(err.value)
