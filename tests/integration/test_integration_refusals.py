"""What the command line refuses, and how: a message naming the problem, a non-zero exit, inputs untouched."""

from __future__ import annotations

import json
import os

import pytest

from cptscan.cli import app
from integration_helpers import write_jsonl

NOTE = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-02-10",
        "text": "Coronary CTA today, analysed with Cleerly plaque quantification. My interpretation: mild plaque."}
CLAIM = {"chart_id": "C-1", "lines": [{"code": "75577", "date_of_service": "2026-02-10"}]}


def said(text: str) -> str:
    """A message as one line: rich wraps long paths across lines of the terminal's width."""
    return " ".join(text.split())


@pytest.mark.parametrize("link", [False, True])
def test_scan_refuses_to_write_over_its_input(runner, tmp_path, link):
    notes = write_jsonl(tmp_path / "notes.jsonl", [NOTE])
    before = notes.read_bytes()
    output = notes
    if link:
        output = tmp_path / "results.jsonl"
        os.symlink(notes, output)
    result = runner.invoke(app, ["scan", str(notes), "-o", str(output)])
    assert result.exit_code == 1
    assert "it is the input" in said(result.stderr)
    assert notes.read_bytes() == before


@pytest.mark.parametrize("command", ["reconcile", "worklist"])
def test_chart_commands_refuse_to_write_over_an_input(runner, tmp_path, command):
    notes = write_jsonl(tmp_path / "notes.jsonl", [NOTE])
    claims = write_jsonl(tmp_path / "claims.jsonl", [CLAIM])
    before = claims.read_bytes()
    result = runner.invoke(app, [command, str(notes), str(claims), "-o", str(claims)])
    assert result.exit_code == 2
    assert "it is the input" in said(result.output)
    assert claims.read_bytes() == before


def test_outcomes_refuses_to_write_gold_over_the_worklist(runner, tmp_path):
    sheet = tmp_path / "worklist.csv"
    sheet.write_text("id,chart_id,date_of_service,type,code,decision,corrected_code\n", encoding="utf-8")
    result = runner.invoke(app, ["outcomes", str(sheet), "--to-gold", str(sheet)])
    assert result.exit_code == 2 and "it is the input" in said(result.output)
    assert sheet.read_text(encoding="utf-8").startswith("id,")
