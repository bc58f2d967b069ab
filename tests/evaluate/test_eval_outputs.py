"""Plots, report rendering and the two typer commands (on fixture files, no scanner needed)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from shared_sets import SHARED, needs_shared
from typer.testing import CliRunner

import cptscan
from cptscan.evaluate.commands import register
from cptscan.evaluate.metrics import evaluate
from cptscan.evaluate.plots import write_plots
from cptscan.evaluate.report import render, to_json

PNG = b"\x89PNG\r\n\x1a\n"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_plots_are_png(case, tmp_path):
    report = evaluate(case["gold"], case["results"], reps=10)
    paths = write_plots(report, tmp_path / "plots")
    assert {p.name for p in paths} == {"per_code.png", "assertion_confusion.png"}
    for p in paths:
        assert p.read_bytes()[:8] == PNG


def test_render_and_json(case):
    report = evaluate(case["gold"], case["results"], chart_gold=case["chart_gold"], findings=case["findings"], reps=10)
    console = Console(record=True, width=160)
    render(report, console=console)
    text = console.export_text()
    assert "Per code" in text and "Chart findings" in text and "N3" in text
    assert json.loads(to_json(report))["code"]["tp"] == 2


def test_evaluate_command_with_predictions(case_files, tmp_path):
    f = case_files
    result = CliRunner().invoke(_app(), [
        "evaluate", str(f["notes"]), str(f["gold"]), "--predictions", str(f["results"]),
        "--chart-gold", str(f["chart_gold"]), "--findings", str(f["findings"]),
        "--json", "--plots", str(tmp_path / "p"), "--reps", "20",
    ])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    assert (doc["code"]["tp"], doc["code"]["fp"], doc["code"]["fn"]) == (2, 1, 1)
    assert doc["chart"]["findings"]["tp"] == 1
    assert (tmp_path / "p" / "per_code.png").read_bytes()[:8] == PNG


def test_evaluate_command_tables(case_files):
    f = case_files
    result = CliRunner().invoke(_app(), ["evaluate", str(f["notes"]), str(f["gold"]), "--predictions",
                                         str(f["results"]), "--reps", "10"])
    assert result.exit_code == 0, result.output
    assert "Note level" in result.stdout


def test_evaluate_command_scans_and_reconciles_with_scanner(case_files, case, monkeypatch):
    class FakeScanner:
        def scan(self, notes):
            by_id = {r["note_id"]: r for r in case["results"]}
            return [by_id.get(n["note_id"], {"note_id": n["note_id"], "codes": []}) for n in notes]

    import types, sys

    fake_reconcile = types.ModuleType("cptscan.reconcile")
    fake_reconcile.reconcile = lambda results, claims: case["findings"]
    monkeypatch.setattr(cptscan, "load", lambda: FakeScanner(), raising=False)
    monkeypatch.setitem(sys.modules, "cptscan.reconcile", fake_reconcile)
    f = case_files
    result = CliRunner().invoke(_app(), ["evaluate", str(f["notes"]), str(f["gold"]), "--claims", str(f["claims"]),
                                         "--chart-gold", str(f["chart_gold"]), "--json", "--reps", "10"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    assert doc["code"]["tp"] == 2 and doc["chart"]["findings"]["fp"] == 2


def test_evaluate_negation_command(monkeypatch, tmp_path):
    kit = tmp_path / "kit.txt"
    kit.write_text("Report No.\tConcept\tSentence\tNegation\r\n1\tedema\tno EDEMA\tNegated\r\n"
                   '2\tcough\t"COUGH, fever"\tAffirmed\r\n', encoding="utf-8")

    class FakeScanner:
        def assertion_of(self, sentence, concept):
            return "negated" if sentence.startswith("no") else "affirmed"

    monkeypatch.setattr(cptscan, "load", lambda: FakeScanner(), raising=False)
    result = CliRunner().invoke(_app(), ["evaluate-negation", str(kit), "--json"])
    assert result.exit_code == 0, result.output
    neg = json.loads(result.stdout)["negation"]
    assert (neg["tp"], neg["tn"], neg["fp"], neg["fn"]) == (1, 1, 0, 0)
    table = CliRunner().invoke(_app(), ["evaluate-negation", str(kit)])
    assert table.exit_code == 0 and "GeneralNegEx" in table.stdout


def test_predictions_get_note_headers(tmp_path):
    from cptscan.evaluate.commands import _with_headers
    notes = tmp_path / "n.jsonl"
    notes.write_text(json.dumps({"note_id": "A", "chart_id": "C", "date_of_service": "2026-01-02", "text": "-"}) + "\n")
    (line,) = _with_headers([{"note_id": "A", "chart_id": None, "codes": []}], notes)
    assert (line["chart_id"], line["date_of_service"], line["codes"]) == ("C", "2026-01-02", [])
    assert "text" not in line


DEV = SHARED / "corpus-dev"


@needs_shared("corpus-dev")
def test_gold_as_predictions_scores_perfectly_on_dev_set(tmp_path):
    """End to end on the dev set: gold lines (headers from notes) through the real reconcile score 1.0."""
    preds = tmp_path / "preds.jsonl"
    with open(DEV / "gold.jsonl", encoding="utf-8") as src, open(preds, "w", encoding="utf-8") as dst:
        for raw in src:
            line = json.loads(raw)
            line["mentions"] = line.pop("spans", [])
            dst.write(json.dumps(line) + "\n")
    result = CliRunner().invoke(_app(), [
        "evaluate", str(DEV / "notes.jsonl"), str(DEV / "gold.jsonl"), "--predictions", str(preds),
        "--claims", str(DEV / "claims.jsonl"), "--chart-gold", str(DEV / "chart_gold.jsonl"), "--json", "--reps", "50",
    ])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    assert doc["code"]["f1"] == 1.0 and doc["billable"]["f1"] == 1.0
    assert doc["spans"]["exact"]["f1"] == 1.0 and doc["spans"]["assertion"]["accuracy"] == 1.0
    assert doc["chart"]["findings"]["f1"] == 1.0
