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
