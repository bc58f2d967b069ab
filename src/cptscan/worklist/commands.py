"""CLI commands ``reconcile``, ``worklist`` and ``outcomes``; the main CLI adds them with ``register(app)``.

Notes are scanned with the project's scanner unless ``--results`` gives a results file from an earlier
``cptscan scan`` run. Only counts go to the terminal, never note text.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Iterable, List, Optional

import typer
from rich.console import Console

from cptscan import exits, options
from cptscan.coverage.table import PolicyError, PolicyTable, load_policies
from cptscan.exits import FAILED, RECORD_ERRORS
from cptscan.io.readers import read_jsonl, read_records
from cptscan.io.writers import refuse_input_as_output, replace_file
from cptscan.knowledge import Knowledge, load_knowledge
from cptscan.records import HEADER_FIELDS
from cptscan.reconcile import reconcile as reconcile_charts
from cptscan.worklist import outcomes as outcome_module
from cptscan.worklist.render import render_csv, render_html, render_jsonl
from cptscan.worklist.rows import advisories, build_rows



class Format(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    html = "html"


def read_lines(path: Path) -> list[dict]:
    """Claims or results lines; a bad line stops the command, named by its line (never its content)."""
    lines = list(read_jsonl(path))
    bad = [line["_error"]["message"] for line in lines if "_error" in line]
    if bad:
        raise typer.BadParameter("; ".join(bad[:3]))
    return lines


def read_notes(path: Path) -> list[dict]:
    """Notes in any input format the scanner reads (JSONL, CSV, Parquet, FHIR, a folder of .txt)."""
    return list(read_records(path))


def _with_headers(results: Iterable[dict], notes: list[dict]) -> list[dict]:
    """Results read back from a file may lack chart and date; the notes they came from have them."""
    by_id = {n.get("note_id"): n for n in notes}
    out = []
    for result in results:
        note = by_id.get(result.get("note_id"), {})
        out.append({**{k: note.get(k) for k in HEADER_FIELDS[1:]}, **{k: v for k, v in result.items() if v is not None}})
    return out


def note_results(notes: list[dict], results_path: Optional[Path], knowledge: Knowledge) -> list[dict]:
    """Results from ``--results`` when given, else from scanning the notes now with ``knowledge``."""
    if results_path is not None:
        return _with_headers(read_lines(results_path), notes)
    import cptscan

    scanner = cptscan.load(packs=knowledge.packs, catalog_path=knowledge.catalog_path)
    return _with_headers(scanner.scan(notes), notes)


def _refuse_inputs(output: Optional[Path], *inputs: Optional[Path]) -> None:
    """Stop before anything is read when the output would overwrite an input."""
    try:
        refuse_input_as_output(output or "-", inputs)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--output") from None


def _write(text: str, output: Optional[Path]) -> None:
    """To ``output``, or to stdout when it is absent or '-' (as for ``scan``)."""
    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
    else:
        replace_file(output, text)


def policy_table(path: Optional[Path], knowledge: Knowledge) -> Optional[PolicyTable]:
    """The site's policy table checked whole against the catalog in use; a bad row stops the command."""
    if path is None:
        return None
    try:
        return load_policies(path, knowledge.catalog)
    except PolicyError as exc:
        raise typer.BadParameter(str(exc), param_hint="--policies") from None


def _charts(notes_path: Path, claims_path: Path, results_path: Optional[Path], knowledge: Knowledge,
            policies_path: Optional[Path] = None) -> tuple[list[dict], list[dict]]:
    policies = policy_table(policies_path, knowledge)
    notes = read_notes(notes_path)
    charts = reconcile_charts(note_results(notes, results_path, knowledge), read_lines(claims_path), knowledge,
                              policies)
    return notes, charts


def _claim_errors(charts: list[dict]) -> None:
    """Each refused claim line on stderr, then exit 3 (as ``scan`` does for records it could not read)."""
    errors = [e["message"] for c in charts for e in c.get("errors", ())]
    for message in errors:
        typer.echo(f"claim line refused: {message}", err=True)
    if errors:
        typer.echo(f"{len(errors)} claim lines refused; their charts were reconciled without them", err=True)
        raise typer.Exit(RECORD_ERRORS)


NOTES_ARG = typer.Argument(..., exists=True, help="notes (notes.jsonl, or any format `cptscan scan` reads)")
CLAIMS_ARG = typer.Argument(..., exists=True, dir_okay=False, help="claims.jsonl")
RESULTS_OPT = typer.Option(None, "--results", exists=True, dir_okay=False,
                           help="results.jsonl from `cptscan scan`; skips scanning")
POLICIES_OPT = typer.Option(None, "--policies", exists=True, dir_okay=False,
                            help="the site's payer policy table (CSV or JSON, docs/coverage.md): adds coverage findings")


def reconcile_command(
    notes: Path = NOTES_ARG,
    claims: Path = CLAIMS_ARG,
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="findings.jsonl (default: stdout)"),
    results: Optional[Path] = RESULTS_OPT,
    policies: Optional[Path] = POLICIES_OPT,
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """Compare each chart's notes with its claim lines, per date of service; one findings line per chart."""
    _refuse_inputs(output, notes, claims, results)
    _, charts = _charts(notes, claims, results, load_knowledge(options.as_str(catalog), packs), policies)
    _write("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in charts), output)
    total = sum(len(c["findings"]) for c in charts)
    typer.echo(f"{len(charts)} charts, {total} findings", err=True)
    _claim_errors(charts)


def worklist_command(
    notes: Path = NOTES_ARG,
    claims: Path = CLAIMS_ARG,
    fmt: Format = typer.Option(Format.csv, "--format", help="csv, jsonl or html"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="worklist file (default: stdout)"),
    results: Optional[Path] = RESULTS_OPT,
    policies: Optional[Path] = POLICIES_OPT,
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """A coder worklist: one row per finding, compliance risk first, with the action to take."""
    _refuse_inputs(output, notes, claims, results)
    knowledge = load_knowledge(options.as_str(catalog), packs)
    note_list, charts = _charts(notes, claims, results, knowledge, policies)
    rows = build_rows(charts, knowledge.catalog, knowledge, {n.get("note_id"): n.get("text") or "" for n in note_list})
    if fmt is Format.csv:
        text = render_csv(rows)
    elif fmt is Format.jsonl:
        text = render_jsonl(rows)
    else:
        text = render_html(rows, {n.get("note_id"): n for n in note_list}, advisories(charts), knowledge=knowledge)
    _write(text, output)
    typer.echo(f"{len(rows)} worklist rows", err=True)
    _claim_errors(charts)


def outcomes_command(
    worklist: Path = typer.Argument(..., exists=True, dir_okay=False,
                                    help="answered worklist: CSV, or JSONL (page export, service outcomes file)"),
    to_gold: Optional[Path] = typer.Option(None, "--to-gold", help="write chart_gold lines from the answers"),
    as_json: bool = typer.Option(False, "--json", help="print the rates as JSON (per code and type too)"),
) -> None:
    """Acceptance, rejection and edit rates per code and finding type of an answered worklist."""
    _refuse_inputs(to_gold, worklist)
    try:
        rows = outcome_module.read_answers(worklist)
    except outcome_module.AnswerError as exc:
        typer.echo(f"error: {worklist}: {exc}", err=True)
        raise typer.Exit(FAILED) from None
    report = outcome_module.rates(rows)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        Console().print(outcome_module.rates_table(report))
    if to_gold is not None:
        gold = outcome_module.to_gold(rows)
        replace_file(to_gold, "".join(json.dumps(g) + "\n" for g in gold))
        typer.echo(f"{len(gold)} chart_gold lines written", err=True)


def register(app: typer.Typer) -> None:
    """Adds ``reconcile``, ``worklist`` and ``outcomes`` to the main CLI."""
    app.command("reconcile", epilog=exits.HELP)(reconcile_command)
    app.command("worklist", epilog=exits.HELP)(worklist_command)
    app.command("outcomes")(outcomes_command)
