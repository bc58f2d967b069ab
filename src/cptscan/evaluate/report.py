"""Rendering of evaluation reports: rich tables for the terminal, JSON for ``--json``.

The JSON document is exactly the dict :func:`cptscan.evaluate.metrics.evaluate` returns (see
``docs/evaluation.md`` for every key); the tables are a reading of the same dict, so the two never
disagree. Error evidence is cut to ``EVIDENCE_WIDTH`` characters in the terminal only.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from rich.console import Console
from rich.table import Table

EVIDENCE_WIDTH = 100


def to_json(report: Mapping[str, Any]) -> str:
    """The report as pretty, key-sorted JSON (stable for diffs)."""
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False)


def _pct(x: Optional[float]) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _prf_table(
    title: str, rows: Mapping[str, Mapping[str, Any]], first: str,
    extra: Optional[tuple[str, Mapping[str, str]]] = None,
) -> Table:
    """One row per figure; ``extra`` = (column name, {row name: cell}) adds a last column."""
    table = Table(title=title)
    table.add_column(first, no_wrap=True)
    for name in ("P %", "R %", "F1 %", "TP", "FP", "FN") + ((extra[0],) if extra else ()):
        table.add_column(name, justify="right")
    for name, fig in rows.items():
        cells = [_pct(fig["precision"]), _pct(fig["recall"]), _pct(fig["f1"]), str(fig["tp"]), str(fig["fp"]), str(fig["fn"])]
        table.add_row(name, *cells, *((extra[1].get(name, "-"),) if extra else ()))
    return table


def _ci(boot: Mapping[str, Any], key: str) -> str:
    fig = boot.get(key)
    return f"[{_pct(fig['low'])}, {_pct(fig['high'])}]" if fig else "-"


def summary_table(report: Mapping[str, Any]) -> Table:
    """Headline note-level figures with bootstrap intervals where computed."""
    boot = report.get("bootstrap") or {}
    rows = {"code (micro)": report["code"], "billable": report["billable"],
            "missing elements": report["missing"], "concepts": report["concepts"]}
    ci = {"code (micro)": _ci(boot, "code_f1"), "billable": _ci(boot, "billable_f1")}
    level = round(100 * boot.get("level", 0.95))
    return _prf_table(f"Note level ({report['counts']['notes']} notes)", rows, "figure", (f"F1 {level}% CI", ci))


def agreement_table(report: Mapping[str, Any]) -> Table:
    table = Table(title="Agreement on matched codes")
    for name in ("figure", "accuracy %", "correct", "total"):
        table.add_column(name, justify="left" if name == "figure" else "right")
    for name in ("status", "coverage"):
        fig = report[name]
        table.add_row(name, _pct(fig["accuracy"]), str(fig["correct"]), str(fig["total"]))
    return table


def confusion_table(assertion: Mapping[str, Any]) -> Table:
    table = Table(title=f"Assertion on overlapping spans (rows gold, columns predicted); accuracy {_pct(assertion['accuracy'])}%")
    table.add_column("gold \\ pred")
    for label in assertion["labels"]:
        table.add_column(label, justify="right")
    for label, row in zip(assertion["labels"], assertion["matrix"]):
        table.add_row(label, *(str(n) for n in row))
    return table


def errors_table(errors: list[Mapping[str, Any]], title: str = "Code errors") -> Table:
    table = Table(title=f"{title} ({len(errors)})")
    for name in ("kind", "note", "code", "gold", "predicted", "evidence"):
        table.add_column(name)
    for err in errors:
        evidence = err.get("evidence") or ""
        if len(evidence) > EVIDENCE_WIDTH:
            evidence = evidence[: EVIDENCE_WIDTH - 1] + "…"
        table.add_row(err["kind"], str(err["note_id"]), err["code"], str(err.get("gold_status") or "-"),
                      str(err.get("predicted_status") or "-"), evidence)
    return table


def chart_errors_table(errors: list[Mapping[str, Any]]) -> Table:
    table = Table(title=f"Chart finding errors ({len(errors)})")
    for name in ("kind", "chart", "type", "code", "billed→expected", "date", "reason"):
        table.add_column(name)
    for err in errors:
        variant = f"{err['billed']}→{err['expected']}" if err.get("billed") or err.get("expected") else "-"
        table.add_row(err["kind"], err["chart_id"], err["type"], str(err.get("code") or "-"), variant,
                      str(err.get("date_of_service")), str(err.get("reason") or ""))
    return table


def render(report: Mapping[str, Any], console: Optional[Console] = None, errors: bool = True) -> None:
    """Print every table of an evaluation report."""
    console = console or Console()
    console.print(summary_table(report))
    console.print(_prf_table("Per code", report["per_code"], "code"))
    console.print(_prf_table("Billable per code", report["billable_per_code"], "code"))
    console.print(agreement_table(report))
    console.print(_prf_table("Missing elements", report["missing_per_element"], "element"))
    console.print(_prf_table("Concepts", report["per_concept"], "concept"))
    spans = report.get("spans")
    if spans:
        console.print(_prf_table(f"Spans, exact ({spans['notes']} notes)", {"all": spans["exact"], **spans["exact_per_label"]}, "label"))
        console.print(_prf_table("Spans, overlapping", {"all": spans["overlap"], **spans["overlap_per_label"]}, "label"))
        console.print(confusion_table(spans["assertion"]))
    if report.get("spans_skipped"):
        console.print(f"[yellow]Spans not scored: {report['spans_skipped']}[/yellow]")
    chart = report.get("chart")
    if chart:
        console.print(_prf_table(f"Chart findings ({chart['charts']} charts)", {"all": chart["findings"], **chart["per_type"]}, "type"))
    if errors:
        console.print(errors_table(report.get("errors") or []))
        if chart:
            console.print(chart_errors_table(report.get("chart_errors") or []))
    counts = report["counts"]
    console.print(
        f"notes {counts['notes']}, without result {counts['notes_without_result']}, "
        f"result errors {counts['result_errors']}, results not in gold {counts['results_not_in_gold']}"
    )


def render_negation(scores: Mapping[str, Any], console: Optional[Console] = None) -> None:
    """Print the NegEx kit scores next to the published figures."""
    console = console or Console()
    table = Table(title=f"NegEx test kit ({scores['items']} items, {scores['errors']} errors)")
    for name in ("system / task", "TP", "FP", "TN", "FN", "sens %", "PPV %", "spec %", "acc %", "F %"):
        table.add_column(name, justify="left" if name == "system / task" else "right", no_wrap=name == "system / task")

    def row(name: str, fig: Mapping[str, Any]) -> None:
        table.add_row(name, *(str(fig[k]) for k in ("tp", "fp", "tn", "fn")),
                      *(_pct(fig.get(k)) for k in ("sensitivity", "ppv", "specificity", "accuracy", "f")))

    row("cptscan: negation", scores["negation"])
    for task in ("temporality", "experiencer"):
        if scores.get(task):
            row(f"cptscan: {task}", scores[task])
    for name, pub in scores["published"].items():
        tp, fp, tn, fn = pub["tp"], pub["fp"], pub["tn"], pub["fn"]
        row(f"published: {name}", {
            "tp": tp, "fp": fp, "tn": tn, "fn": fn, "sensitivity": pub["recall"], "ppv": pub["precision"],
            "specificity": tn / (tn + fp), "accuracy": (tp + tn) / (tp + fp + tn + fn), "f": pub["f"],
        })
    console.print(table)
