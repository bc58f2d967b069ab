"""What the command line prints for people: help, progress and the end-of-run summary."""

from __future__ import annotations

import pytest

import cptscan.scan_report
from cptscan.cli import app
from integration_helpers import write_jsonl

COMMANDS = ["scan", "explain", "evaluate", "evaluate-negation", "reconcile", "worklist", "outcomes", "serve", "train"]
NOTES = [{"note_id": f"N-{i}", "text": "Cardiology clinic. Blood pressure controlled. No chest pain."} for i in range(3)]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_shows_no_type_after_plain_flags(runner, command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


@pytest.mark.parametrize("command", [[], ["scan"], ["reconcile"], ["worklist"]])
def test_help_documents_the_exit_codes(runner, command):
    text = " ".join(runner.invoke(app, [*command, "--help"]).stdout.split())
    assert "Exit codes: 0 done" in text and "3 some records could not be used" in text and "4 a --jobs worker died" in text


def test_a_run_without_candidates_says_so_in_words(runner, tmp_path):
    notes = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    result = runner.invoke(app, ["scan", str(notes), "-o", str(tmp_path / "out.jsonl")], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "3 notes scanned; no note has a candidate code" in said
    assert "no candidate codes" not in said


def test_progress_prints_counts_with_the_total_when_stderr_is_not_a_terminal(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cptscan.scan_report, "PROGRESS_SECONDS", 0.0)  # a line per note instead of every 30 s
    notes = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    result = runner.invoke(app, ["scan", str(notes), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("scanned")] == [
        "scanned 1 of 3 notes", "scanned 2 of 3 notes", "scanned 3 of 3 notes"]
    quiet = runner.invoke(app, ["scan", str(notes), "-o", str(tmp_path / "out.jsonl"), "-q"])
    assert quiet.stderr == ""
