"""The ``evaluate`` and ``evaluate-negation`` commands, added to the main CLI by ``register(app)``.

The scanner (``cptscan.load``) and the reconciler (``cptscan.reconcile.reconcile``) are imported
inside the commands, not at module import: the evaluation code must load (and its tests run) on a
results file alone, without spaCy models or the rest of the pipeline.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable, Optional

import typer
from rich.console import Console

from cptscan.ablation import CAPABILITIES, UnknownCapability, checked
from cptscan.evaluate.metrics import evaluate, read_jsonl
from cptscan.evaluate.render import RENDERERS
from cptscan.evaluate.report import render, render_negation, to_json

_err = Console(stderr=True)


def _as_dict(obj: Any) -> dict[str, Any]:
    """Result lines are dicts by contract; accept a record with ``as_dict()`` too."""
    return obj.as_dict() if hasattr(obj, "as_dict") else dict(obj)


def _load_scanner(ablate: tuple[str, ...] = ()) -> Any:
    try:
        import cptscan

        return cptscan.load(ablate=ablate) if ablate else cptscan.load()
    except (ImportError, AttributeError) as exc:
        _err.print(f"[red]cannot load the scanner ({exc}); pass --predictions RESULTS.jsonl[/red]")
        raise typer.Exit(2) from exc


def _scan(notes_path: Path, rendering: Optional[str] = None, ablate: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    scanner = _load_scanner(ablate)
    notes: Iterable[Any] = read_jsonl(notes_path)
    if rendering:
        from cptscan.evaluate.render import render_notes

        notes = render_notes(notes, rendering)
    return [_as_dict(r) for r in scanner.scan(notes)]


def _reconcile(results: list[dict[str, Any]], claims: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        from cptscan.reconcile import reconcile
    except ImportError as exc:
        _err.print(f"[red]cannot import cptscan.reconcile ({exc}); pass --findings FINDINGS.jsonl[/red]")
        raise typer.Exit(2) from exc
    return [_as_dict(line) for line in reconcile(results, list(claims))]


_HEADER = ("chart_id", "date_of_service", "note_type")


def _with_headers(results: list[dict[str, Any]], notes_path: Path) -> list[dict[str, Any]]:
    """Fill a result's missing chart_id/date_of_service/note_type from its note (reconcile needs them).

    A results file written by another tool may carry only ``note_id``; the notes file is the truth.
    """
    headers = {n.get("note_id"): {k: n.get(k) for k in _HEADER} for n in read_jsonl(notes_path)}
    out = []
    for result in results:
        merged = dict(result)
        for key, value in headers.get(result.get("note_id"), {}).items():
            if merged.get(key) is None and value is not None:
                merged[key] = value
        out.append(merged)
    return out


# What each file of ``evaluate`` must hold on every line, and what it is called in the message when not.
_SHAPES = {"gold": ("note_id", "codes"), "chart gold": ("chart_id", "findings"), "claims": ("chart_id", "lines"),
           "results": ("note_id",), "findings": ("chart_id", "findings")}


def _read(path: Path, what: str) -> list[dict[str, Any]]:
    """The lines of a JSONL file, or a one-line message (exit 2) naming the file, the line and what a line of
    ``what`` holds: passing the notes or the claims as the gold is an easy slip."""
    try:
        lines = read_jsonl(path)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        _refuse(f"{path} is not UTF-8 JSON Lines ({type(exc).__name__}); the {what} file is one JSON object a line")
    keys = _SHAPES[what]
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or any(k not in line for k in keys):
            _refuse(f"{path} line {number} is not a {what} line: each needs {', '.join(keys)} "
                    "(docs/formats.md); were two files swapped?")
    return lines


def _refuse(message: str) -> None:
    _err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def evaluate_command(
    notes: Path = typer.Argument(..., exists=True, dir_okay=False, help="notes.jsonl to scan"),
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="gold.jsonl"),
    claims: Optional[Path] = typer.Option(None, "--claims", exists=True, dir_okay=False, help="claims.jsonl: reconcile and score chart findings"),
    chart_gold: Optional[Path] = typer.Option(None, "--chart-gold", exists=True, dir_okay=False, help="chart_gold.jsonl"),
    json_out: bool = typer.Option(False, "--json", help="print the report as JSON instead of tables"),
    plots: Optional[Path] = typer.Option(None, "--plots", file_okay=False, help="write PNG plots into this folder"),
    predictions: Optional[Path] = typer.Option(None, "--predictions", exists=True, dir_okay=False, help="score this results.jsonl instead of scanning NOTES"),
    findings: Optional[Path] = typer.Option(None, "--findings", exists=True, dir_okay=False, help="score this findings.jsonl instead of reconciling"),
    reps: int = typer.Option(1000, "--reps", min=0, help="bootstrap replicates"),
    seed: int = typer.Option(0, "--seed", help="bootstrap seed"),
    show_errors: bool = typer.Option(True, "--errors/--no-errors", help="list every FP and FN in the tables"),
    rendering: Optional[str] = typer.Option(None, "--render", help="scan NOTES re-rendered first: wrap64 or wrap48 "
                                            "(hard-wrapped at that column; offsets unchanged), dictation or ocr "
                                            "(seeded noise; offsets change, so spans are not scored)"),
    ablate: Optional[str] = typer.Option(None, "--ablate", metavar="NAME[,NAME...]",
                                         help="scan with these capabilities switched off, to measure what each "
                                              f"contributes: {', '.join(CAPABILITIES)} (docs/evaluation.md)"),
) -> None:
    """Score the scanner against gold: note-level codes, spans, chart findings, bootstrap CIs."""
    gold_lines = _read(gold, "gold")
    if rendering is not None and rendering not in RENDERERS:
        _err.print(f"[red]--render must be one of {', '.join(RENDERERS)}[/red]")
        raise typer.Exit(2)
    switched_off = _capabilities(ablate, predictions)
    claim_lines = _read(claims, "claims") if claims else None
    finding_lines = _read(findings, "findings") if findings else None
    chart_gold_lines = _read(chart_gold, "chart gold") if chart_gold else None
    results = (_with_headers(_read(predictions, "results"), notes) if predictions
               else _scan(notes, rendering, switched_off))
    if gold_lines and not {g["note_id"] for g in gold_lines} & {r.get("note_id") for r in results}:
        _refuse(f"no note of {gold} is among the notes of {notes}: is it the gold of these notes?")
    if finding_lines is None and claim_lines is not None:
        finding_lines = _reconcile(results, claim_lines)
    if chart_gold_lines is not None and finding_lines is None:
        _err.print("[yellow]--chart-gold without --claims or --findings: chart level not scored[/yellow]")
    skipped = None
    if rendering is not None and not RENDERERS[rendering].keeps_offsets:
        skipped = f"--render {rendering} changes the text's length: gold span offsets no longer apply"
    report = evaluate(gold_lines, results, chart_gold=chart_gold_lines, findings=finding_lines,
                      claims=claim_lines, reps=reps, seed=seed, spans_skipped=skipped)
    if plots:
        from cptscan.evaluate.plots import write_plots  # matplotlib only when asked for

        for path in write_plots(report, plots):
            _err.print(f"wrote {path}")
    if json_out:
        sys.stdout.write(to_json(report) + "\n")
    else:
        render(report, errors=show_errors)


def _capabilities(ablate: Optional[str], predictions: Optional[Path]) -> tuple[str, ...]:
    """The capabilities ``--ablate`` names, checked before anything is scanned (exit 2 on an unknown name)."""
    if ablate is None:
        return ()
    if predictions is not None:
        _refuse("--ablate switches capabilities off while scanning; it cannot apply to --predictions")
    try:
        return checked(ablate)
    except UnknownCapability as exc:
        _refuse(str(exc))
    return ()


def evaluate_negation_command(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="NegEx kit file (rsAnnotations-1-120-random.txt or Annotations-1-120.txt)"),
    json_out: bool = typer.Option(False, "--json", help="print the scores as JSON instead of a table"),
) -> None:
    """Score the scanner's assertions on the public NegEx test kit, next to the published figures."""
    from cptscan.evaluate.negex import read_negex, score_negation

    scanner = _load_scanner()
    scores = score_negation(read_negex(path), scanner.assertion_of)
    if json_out:
        sys.stdout.write(to_json(scores) + "\n")
    else:
        render_negation(scores)


def register(app: typer.Typer) -> None:
    """Add ``evaluate`` and ``evaluate-negation`` to the main CLI ``app``."""
    app.command("evaluate")(evaluate_command)
    app.command("evaluate-negation")(evaluate_negation_command)
