"""Worklist rows a documentation gap drives carry a query draft (JSONL, CSV, the page's query_draft field)."""

from __future__ import annotations

from cptscan.knowledge import load_knowledge
from cptscan.worklist.render import page_data, render_csv
from cptscan.worklist.rows import build_rows


def test_gap_rows_carry_a_draft_in_jsonl_and_csv(charts):
    rows = build_rows(charts, knowledge=load_knowledge())
    by_type = {r["type"]: r for r in rows}
    assert "query_draft" in by_type["unsupported_claim"]
    assert "query_draft" not in by_type["missed_opportunity"]
    assert "HeartFlow Plaque Analysis" in by_type["unsupported_claim"]["query_draft"]
    assert "Documentation clarification request" in render_csv(rows)
    assert all("query_draft" not in r for r in build_rows(charts))  # without the knowledge, rows are as before


def test_the_page_gets_the_draft_and_quotes_whole_sentences_from_the_notes(charts, notes):
    texts = {k: n["text"] for k, n in notes.items()}
    rows = build_rows(charts, knowledge=load_knowledge(), texts=texts)
    (row,) = [r for r in page_data(rows, notes)["rows"] if r.get("query_draft")]
    assert '"HeartFlow Plaque Analysis run on this CCTA." (note N1, 2026-02-03)' in row["query_draft"]
