"""The reconcile, worklist and outcomes commands on files, with --results (no scanner needed)."""

from __future__ import annotations

import csv
import io
import json

import typer
from typer.testing import CliRunner

from cptscan.worklist.commands import register

NOTES = [
    {"note_id": "R1", "chart_id": "C1", "date_of_service": "2026-02-03", "note_type": "radiology_report",
     "text": "CCTA with HeartFlow Plaque Analysis. <script>alert(1)</script>"},
    {"note_id": "K1", "chart_id": "C1", "date_of_service": "2026-02-03", "note_type": "progress_note",
     "text": "My interpretation of the plaque analysis: high risk."},
]
# results read back from a file: no chart or date, the notes file supplies them
RESULTS = [
    {"note_id": "R1", "codes": [{"code": "75577", "status": "documentation_gap", "missing": ["interpretation"],
                                 "elements": {"input": True, "process": True, "interpretation": False},
                                 "evidence": [{"start": 10, "end": 35, "label": "AI_PROCESS", "text": "HeartFlow Plaque Analysis"}]}],
     "concepts": ["SAME_SESSION_CT"], "mentions": []},
    {"note_id": "K1", "codes": [{"code": "75577", "status": "documentation_gap", "missing": ["input", "process"],
                                 "elements": {"input": False, "process": False, "interpretation": True},
                                 "evidence": []}], "concepts": [], "mentions": []},
]
CLAIMS = [{"chart_id": "C1", "lines": [{"code": "0623T", "date_of_service": "2026-02-03"}]}]


def _files(tmp_path):
    paths = {}
    for name, lines in (("notes", NOTES), ("results", RESULTS), ("claims", CLAIMS)):
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(x) + "\n" for x in lines))
    return paths


def _app():
    app = typer.Typer()
    register(app)
    return app


def test_reconcile_command(tmp_path):
    p = _files(tmp_path)
    out = tmp_path / "findings.jsonl"
    done = CliRunner().invoke(_app(), ["reconcile", str(p["notes"]), str(p["claims"]), "--results", str(p["results"]),
                                       "-o", str(out)])
    assert done.exit_code == 0, done.output
    [chart] = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(f["type"], f["code"]) for f in chart["findings"]} == {("deleted_code", "0623T"),
                                                                    ("missed_opportunity", "75577")}


def test_worklist_command_all_formats(tmp_path):
    p = _files(tmp_path)
    for fmt in ("csv", "jsonl", "html"):
        out = tmp_path / f"worklist.{fmt}"
        done = CliRunner().invoke(_app(), ["worklist", str(p["notes"]), str(p["claims"]), "--results", str(p["results"]),
                                           "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        assert out.stat().st_size > 0
    assert "bill 75577 instead of 0623T" in (tmp_path / "worklist.csv").read_text()
    assert "<script>alert(1)" not in (tmp_path / "worklist.html").read_text()


def test_outcomes_command_writes_gold(tmp_path):
    p = _files(tmp_path)
    sheet = tmp_path / "worklist.csv"
    CliRunner().invoke(_app(), ["worklist", str(p["notes"]), str(p["claims"]), "--results", str(p["results"]),
                                "-o", str(sheet)])
    rows = list(csv.DictReader(io.StringIO(sheet.read_text())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "decision": "accepted"} for row in rows)
    sheet.write_text(out.getvalue())
    gold = tmp_path / "gold.jsonl"
    done = CliRunner().invoke(_app(), ["outcomes", str(sheet), "--json", "--to-gold", str(gold)])
    assert done.exit_code == 0, done.output
    assert '"accepted": 2' in done.output
    [line] = [json.loads(x) for x in gold.read_text().splitlines()]
    assert len(line["findings"]) == 2


def test_reconcile_command_names_refused_claim_lines_and_exits_3(tmp_path):
    p = _files(tmp_path)
    p["claims"].write_text(json.dumps({"chart_id": "C1", "lines": [{"code": "0623t", "date_of_service": "2026-02-03"},
                                                                   {"code": "CCTA", "date_of_service": "2026-02-03"}]}))
    out = tmp_path / "findings.jsonl"
    done = CliRunner().invoke(_app(), ["reconcile", str(p["notes"]), str(p["claims"]), "--results", str(p["results"]),
                                       "-o", str(out)])
    assert done.exit_code == 3, done.output
    assert "chart C1 claim line 2" in done.output
    [chart] = [json.loads(line) for line in out.read_text().splitlines()]
    assert ("deleted_code", "0623T") in {(f["type"], f["code"]) for f in chart["findings"]}
