"""Rows: one per finding, compliance risk first, stable ids, actions from worklist.json."""

from __future__ import annotations

import csv
import io
import json

from cptscan.worklist import build_rows, render_csv, render_html, render_jsonl
from cptscan.worklist.render import CSV_COLUMNS
from cptscan.worklist.rows import row_id, settings


def test_one_row_per_finding_sorted_by_priority(charts):
    rows = build_rows(charts)
    assert [r["type"] for r in rows] == ["deleted_code", "unsupported_claim", "wrong_variant", "missed_opportunity"]
    assert [r["priority"] for r in rows] == sorted(r["priority"] for r in rows)


def test_ids_are_stable_and_distinct(charts):
    first, second = build_rows(charts), build_rows(json.loads(json.dumps(charts)))
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len({r["id"] for r in first}) == len(first)
    finding = charts[0]["findings"][0]
    assert row_id("C1", finding) == row_id("C1", {**finding, "reason": "reworded", "evidence": []})


def test_actions_read_as_coder_steps(charts):
    actions = {r["type"]: r["action"] for r in build_rows(charts)}
    assert actions["deleted_code"] == "bill 75577 instead of 0623T"
    assert actions["unsupported_claim"] == "query provider for interpretation before billing 75577"
    assert actions["wrong_variant"] == "bill 0992T instead of 0993T"
    assert actions["missed_opportunity"] == "add 75577 to the claim"


def test_missed_before_the_effective_date_points_to_the_predecessors():
    charts = [{"chart_id": "C", "findings": [{"type": "missed_opportunity", "code": "75577",
                                              "date_of_service": "2025-10-01", "evidence": [], "reason": "r"}]}]
    [row] = build_rows(charts)
    assert row["action"] == "75577 starts 2026-01-01: bill 0623T/0624T/0625T/0626T for this date"


def test_priorities_and_templates_are_data():
    conf = settings()
    assert set(conf["priority"]) == {"deleted_code", "not_yet_effective", "unsupported_claim", "wrong_variant",
                                     "missed_opportunity"}
    assert all(t in conf["actions"] for t in conf["priority"])


def test_csv_has_empty_decision_columns_and_reads_back(charts):
    text = render_csv(build_rows(charts))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 4
    assert all(r["decision"] == "" and r["corrected_code"] == "" for r in rows)
    unsupported = next(r for r in rows if r["type"] == "unsupported_claim")
    assert unsupported["missing"] == "interpretation"
    assert "HeartFlow Plaque Analysis" in unsupported["evidence_snippet"]


def test_csv_cells_cannot_become_formulas():
    charts = [{"chart_id": "C", "findings": [{"type": "unsupported_claim", "code": "75577", "date_of_service": "2026-01-05",
                                              "evidence": [{"note_id": "N", "spans": [{"start": 0, "end": 9, "label": "X",
                                                                                        "text": "=HYPERLINK(1)"}]}],
                                              "reason": "r"}]}]
    [row] = list(csv.DictReader(io.StringIO(render_csv(build_rows(charts)))))
    assert row["evidence_snippet"].startswith("'=")


def test_jsonl_one_row_a_line(charts):
    lines = render_jsonl(build_rows(charts)).splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0])["type"] == "deleted_code"


def test_html_is_self_contained_and_escapes_note_text(charts, notes):
    page = render_html(build_rows(charts), notes, [a for c in charts for a in c["advisories"]])
    assert "<script>window.PWNED" not in page and "<img src=x" not in page
    assert page.count("</script>") == 2  # the data block and the page script, nothing from the note
    for fetch in ("http://", "https://", "src=\"", "<link"):
        assert fetch not in page
