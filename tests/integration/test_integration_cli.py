"""The command line end to end, on temporary files: the installed script for the main paths, typer's runner
(with the session's scanner) for the rest."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cptscan.cli import app
from integration_helpers import read_jsonl, write_jsonl

PLAQUE = ("CORONARY CT ANGIOGRAPHY\nTECHNIQUE: Coronary CTA performed today. The CCTA data set was analysed with "
          "Cleerly AI-based plaque quantification.\nIMPRESSION: My interpretation: moderate noncalcified plaque in "
          "the LAD; start high-intensity statin.")
PVAT_GAP = ("Preventive cardiology visit.\nThe stored CT data set from the coronary CTA of 10/02/2025 was analysed "
            "today with CaRi-Heart perivascular fat analysis; report scanned to media.")
NEGATIVE = "Echo: moderate AI (aortic insufficiency). Recommend Cleerly plaque analysis at the next CCTA."

NOTES = [
    {"note_id": "R-1", "chart_id": "C-1", "date_of_service": "2026-02-10", "note_type": "radiology_report",
     "text": PLAQUE},
    {"note_id": "R-2", "chart_id": "C-2", "date_of_service": "2026-02-11", "note_type": "progress_note",
     "text": PVAT_GAP},
    {"note_id": "R-3", "chart_id": "C-2", "date_of_service": "2026-02-11", "text": NEGATIVE},
]
EXPECTED = {"R-1": [("75577", "supported")], "R-2": [("0992T", "documentation_gap")], "R-3": []}


def _codes(results):
    return {r["note_id"]: [(c["code"], c["status"]) for c in r["codes"]] for r in results}


def _env():
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


# -- the installed script --------------------------------------------------------------------------------------------
def test_scan_file_to_file(cli, tmp_path):
    notes = write_jsonl(tmp_path / "in.jsonl", NOTES)
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([cli, "scan", str(notes), "-o", str(out)], capture_output=True, text=True, env=_env(),
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    results = read_jsonl(out.read_text(encoding="utf-8"))
    assert [r["note_id"] for r in results] == ["R-1", "R-2", "R-3"]
    assert _codes(results) == EXPECTED
    assert "3 notes scanned" in proc.stderr  # the summary table
    assert "75577" in proc.stderr and "documentation_gap" in proc.stderr
    assert proc.stdout == ""


def test_python_dash_m_help():
    proc = subprocess.run([sys.executable, "-m", "cptscan", "--help"], capture_output=True, text=True, env=_env(),
                          timeout=60)
    assert proc.returncode == 0
    for command in ("scan", "explain", "evaluate", "reconcile", "worklist", "outcomes", "serve"):
        assert command in proc.stdout


# -- typer's runner with the session scanner (conftest.py) -----------------------------------------------------------------
def test_scan_stdin_to_stdout(runner):
    stdin = "".join(json.dumps(n) + "\n" for n in NOTES)
    result = runner.invoke(app, ["scan", "-", "-o", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    assert _codes(read_jsonl(result.stdout)) == EXPECTED
    assert "3 notes scanned" in result.stderr  # the summary goes to stderr, never into the JSONL
    quiet = runner.invoke(app, ["scan", "-", "-q"], input=stdin)
    assert _codes(read_jsonl(quiet.stdout)) == EXPECTED and "notes scanned" not in quiet.stderr


def test_explain_prints_the_code_and_the_cue(runner):
    text = PLAQUE + "\nRecommend CaRi-Heart perivascular fat analysis next year."
    result = runner.invoke(app, ["explain", "--text", text, "--date", "2026-02-10"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    assert "75577 supported" in result.stdout
    assert "hypothetical: 'Recommend'" in result.stdout
    assert "not coding advice" in result.stdout


def test_explain_without_a_code(runner):
    result = runner.invoke(app, ["explain", "--text", NEGATIVE], env={"COLUMNS": "220"})
    assert result.exit_code == 0
    assert "No candidate code." in result.stdout


def test_explain_json_and_file(runner, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(PVAT_GAP, encoding="utf-8")
    result = runner.invoke(app, ["explain", "--file", str(note), "--date", "2026-02-11", "--json"])
    assert result.exit_code == 0
    line = json.loads(result.stdout)
    assert [(c["code"], c["missing"]) for c in line["codes"]] == [("0992T", ["interpretation"])]


def test_explain_needs_exactly_one_source(runner):
    assert runner.invoke(app, ["explain"]).exit_code == 2


def test_bad_records_give_error_lines_and_exit_code_3(runner, tmp_path):
    notes = tmp_path / "in.jsonl"
    notes.write_text(json.dumps(NOTES[0]) + "\n{not json\n" + json.dumps({"note_id": "E", "text": ""}) + "\n",
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["scan", str(notes), "-o", str(out), "-q"])
    assert result.exit_code == 3
    lines = read_jsonl(out.read_text(encoding="utf-8"))
    assert len(lines) == 3
    assert lines[0]["error"] is None
    assert lines[1]["error"] is not None and lines[2]["error"]["code"] == "empty_text"


def test_missing_input_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["scan", str(tmp_path / "nope.jsonl"), "-q"])
    assert result.exit_code == 1


def test_csv_output(runner, tmp_path):
    notes = write_jsonl(tmp_path / "in.jsonl", NOTES)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["scan", str(notes), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "R-1" in text and "75577" in text


CLAIMS = [
    {"chart_id": "C-1", "lines": [{"code": "75574", "date_of_service": "2026-02-10"},
                                  {"code": "0624T", "date_of_service": "2026-02-10"}]},
    {"chart_id": "C-2", "lines": [{"code": "0992T", "date_of_service": "2026-02-11"}]},
]


def test_reconcile_charts(runner, tmp_path):
    notes = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    claims = write_jsonl(tmp_path / "claims.jsonl", CLAIMS)
    result = runner.invoke(app, ["reconcile", str(notes), str(claims)])
    assert result.exit_code == 0, result.output
    charts = {c["chart_id"]: c["findings"] for c in read_jsonl(result.stdout)}
    c1 = {(f["type"], f.get("code")) for f in charts["C-1"]}
    assert ("deleted_code", "0624T") in c1 and ("missed_opportunity", "75577") in c1
    assert {(f["type"], f.get("code")) for f in charts["C-2"]} == {("unsupported_claim", "0992T")}


def test_worklist_csv_from_scan_results(runner, tmp_path):
    notes = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    claims = write_jsonl(tmp_path / "claims.jsonl", CLAIMS)
    results = tmp_path / "results.jsonl"
    assert runner.invoke(app, ["scan", str(notes), "-o", str(results), "-q"]).exit_code == 0
    result = runner.invoke(app, ["worklist", str(notes), str(claims), "--results", str(results), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith("id,priority,chart_id")
    assert any("deleted_code" in row and "75577" in row for row in rows[1:])


def test_worklist_dash_output_means_stdout(runner, tmp_path, monkeypatch):
    notes = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    claims = write_jsonl(tmp_path / "claims.jsonl", CLAIMS)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["worklist", str(notes), str(claims), "--format", "csv", "-o", "-"])
    assert not (tmp_path / "-").exists()
    assert result.stdout.startswith("id,priority,chart_id")
