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


def test_explain_file_missing_or_not_utf8_is_a_message(runner, tmp_path):
    missing = runner.invoke(app, ["explain", "--file", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "No such file or directory" in said(missing.stderr)
    latin1 = tmp_path / "note.txt"
    latin1.write_bytes("Caf\xe9 CCTA with Cleerly".encode("latin-1"))
    result = runner.invoke(app, ["explain", "--file", str(latin1)])
    assert result.exit_code == 1 and "is not UTF-8 text" in said(result.stderr)
    assert "Cleerly" not in result.output


def test_an_unreadable_folder_is_a_message(runner, tmp_path, monkeypatch):
    folder = tmp_path / "notes"
    folder.mkdir()

    def denied(self):  # the tests run as root, for whom chmod 000 changes nothing
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(folder), "iterdir", denied)
    for quiet in ([], ["-q"]):  # listed up front to count the notes for progress, or first when scanning
        result = runner.invoke(app, ["scan", str(folder), "-o", str(tmp_path / "out.jsonl"), *quiet])
        assert result.exit_code == 1
        assert f"Permission denied: {folder}" in said(result.stderr)
        assert isinstance(result.exception, SystemExit)


def test_evaluate_with_the_wrong_gold_file_names_it(runner, tmp_path):
    notes = write_jsonl(tmp_path / "notes.jsonl", [NOTE])
    claims = write_jsonl(tmp_path / "claims.jsonl", [CLAIM])
    swapped = runner.invoke(app, ["evaluate", str(notes), str(claims)])
    assert swapped.exit_code == 2 and "line 1 is not a gold line" in said(swapped.stderr)
    other = write_jsonl(tmp_path / "gold.jsonl", [{"note_id": "X-9", "codes": []}])
    unrelated = runner.invoke(app, ["evaluate", str(notes), str(other)])
    assert unrelated.exit_code == 2 and "is it the gold of these notes?" in said(unrelated.stderr)


def test_outcomes_reads_a_semicolon_csv(runner, tmp_path):
    sheet = tmp_path / "answered.csv"
    sheet.write_text("id;chart_id;date_of_service;type;code;billed;expected;suggested;decision;corrected_code\n"
                     "a1;C-1;2026-02-10;missed_opportunity;75577;;;;accepted;\n"
                     "a2;C-2;2026-02-11;unsupported_claim;0972T;;;;rejected;\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    result = runner.invoke(app, ["outcomes", str(sheet), "--json", "--to-gold", str(gold)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["answered"] == 2
    assert [json.loads(x)["chart_id"] for x in gold.read_text().splitlines()] == ["C-1", "C-2"]
