"""One result line per input record, whatever the record holds, through ``cptscan scan`` and ``--resume``."""

from __future__ import annotations

import json

from cptscan.cli import app
from integration_helpers import read_jsonl

TEXT = "Coronary CTA today, analysed with Cleerly plaque quantification. My interpretation: mild plaque."
NESTED = '{"note_id": "N-2", "text": ' + "[" * 100_000


def test_a_deeply_nested_line_is_its_error_line_and_resume_passes_it(runner, tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text("\n".join([json.dumps({"note_id": "N-1", "text": TEXT}), NESTED,
                                json.dumps({"note_id": "N-3", "text": TEXT})]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["scan", str(notes), "-o", str(out), "-q"])
    assert result.exit_code == 3, result.output
    lines = read_jsonl(out.read_text(encoding="utf-8"))
    assert [(r["note_id"], (r["error"] or {}).get("code")) for r in lines] == [
        ("N-1", None), (None, "nested_too_deeply"), ("N-3", None)]

    out.write_text(out.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")  # killed after one
    resumed = runner.invoke(app, ["scan", str(notes), "-o", str(out), "-q", "--resume"])
    assert resumed.exit_code == 3, resumed.output
    assert read_jsonl(out.read_text(encoding="utf-8")) == lines


def test_a_lone_surrogate_is_an_error_line_that_keeps_the_readable_header(runner, tmp_path):
    notes = tmp_path / "notes.jsonl"
    # "\ud83d" is half of an emoji's escape pair: valid JSON, not Unicode text
    notes.write_text('{"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-02-10", "text": "CCTA \\ud83d"}\n'
                     + json.dumps({"note_id": "N-2", "text": TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["scan", str(notes), "-o", str(out), "-q"])
    assert result.exit_code == 3, result.output
    first, second = read_jsonl(out.read_text(encoding="utf-8"))
    assert first["error"]["code"] == "invalid_unicode" and "character 5" in first["error"]["message"]
    assert (first["note_id"], first["chart_id"], first["date_of_service"]) == ("N-1", "C-1", "2026-02-10")
    assert second["error"] is None and second["codes"]


def test_error_lines_keep_the_chart_and_date_that_were_readable(scanner):
    records = [{"note_id": "E-1", "chart_id": "C-1", "date_of_service": "2026-02-10", "note_type": "addendum", "text": ""},
               {"note_id": "E-2", "chart_id": 17, "date_of_service": "10/02/2026", "text": TEXT},
               {"note_id": "E-3", "chart_id": "C-3", "date_of_service": "2026-02-11", "text": TEXT},
               {"note_id": "E-3", "chart_id": "C-3", "date_of_service": "2026-02-12", "text": TEXT}]
    for jobs in (1, 2):
        lines = list(scanner.scan(records, jobs=jobs))
        assert [(r["note_id"], r["chart_id"], r["date_of_service"], (r["error"] or {}).get("code")) for r in lines] == [
            ("E-1", "C-1", "2026-02-10", "empty_text"), ("E-2", "17", None, "invalid_date"),
            ("E-3", "C-3", "2026-02-11", None), ("E-3", "C-3", "2026-02-12", "duplicate_note_id")], jobs
        assert lines[0]["note_type"] == "addendum"
