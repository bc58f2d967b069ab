"""The command line: scan, explain, and the commands each stage registers (evaluate, reconcile, ...).

Results are suggestions for a certified coder, not coding advice. Logs and progress carry counts and note
ids, never note text.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable, List, NoReturn, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__, exits, options
from .exits import FAILED, INTERRUPTED, RECORD_ERRORS, WORKER_FAILED
from .guard import describe, guarded
from .scan_report import Summary, progress

# Plain click help: typer's rich help prints "<bool>" after flags, which take no value.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, epilog=exits.HELP,
                  help="Find documentation of AI-augmented CPT services in clinical notes (`cptscan packs` lists "
                       "the code packs and their codes).")
err = Console(stderr=True)



def _configure_logging(verbose: bool) -> None:
    """Our own logger only: medspaCy's PyRuSH logs DEBUG lines through loguru, which we never load."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _completed_lines(path: Path) -> int:
    """Whole result lines already in ``path``; a torn last line (a killed run) is cut off."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return data[:keep].count(b"\n")


@app.command(epilog=exits.HELP)
def scan(
    notes: str = typer.Argument(..., help="Notes file (JSONL, CSV, Parquet, FHIR, a folder of .txt); '-' for stdin JSONL."),
    output: str = typer.Option("-", "-o", "--output", help="Results file (.jsonl, .csv, .parquet); '-' for stdout JSONL."),
    input_format: Optional[str] = typer.Option(None, help="jsonl, csv, tsv, parquet, txt, fhir, fhir-bundle, fhir-ndjson"),
    output_format: Optional[str] = typer.Option(None, help="jsonl, csv or parquet (default: from the output name)"),
    id_col: Optional[str] = typer.Option(None, help="CSV/Parquet column holding the note id"),
    text_col: Optional[str] = typer.Option(None, help="CSV/Parquet column holding the note text"),
    chart_col: Optional[str] = typer.Option(None, help="CSV/Parquet column holding the chart id"),
    date_col: Optional[str] = typer.Option(None, help="CSV/Parquet column holding the date of service"),
    type_col: Optional[str] = typer.Option(None, help="CSV/Parquet column holding the note type"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="worker processes"),
    strict: bool = typer.Option(False, help="stop at the first record that cannot be scanned"),
    resume: bool = typer.Option(False, help="continue a killed run: keep the output's whole lines, scan the rest"),
    gate: bool = typer.Option(True, help="skip notes that cannot hold a trigger (--no-gate scans every note)"),
    max_chars: int = typer.Option(6_000_000, help="notes longer than this become error records"),
    time_budget: float = options.TIME_BUDGET,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar and no summary"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
    rules_only: bool = typer.Option(False, "--rules-only", help="scan without the trained classifiers, on purpose"),
    knowledge: Optional[Path] = options.KNOWLEDGE,
) -> None:
    """Scan notes and write one result line per input record (candidate codes, status, evidence)."""
    from .io.readers import count_records, read_records
    from .io.writers import open_writer, refuse_input_as_output
    from .scanner import WorkerError, load

    _configure_logging(verbose)
    try:
        refuse_input_as_output(output, [notes])
        records: Iterable = read_records(notes, input_format, id_col=id_col, text_col=text_col,
                                         chart_col=chart_col, date_col=date_col, type_col=type_col)
        total = None if quiet else count_records(notes, input_format)
    except (ValueError, OSError) as exc:
        _refuse(exc)
    skip = 0
    if resume:
        if output == "-" or (output_format or Path(output).suffix.lstrip(".")) not in ("jsonl", "ndjson", ""):
            err.print("[red]error:[/red] --resume needs a JSONL output file")
            raise typer.Exit(FAILED)
        skip = _completed_lines(Path(output))
        records = (r for i, r in enumerate(records) if i >= skip)
    scanner = load(use_gate=gate, max_chars=max_chars, packs=packs, catalog_path=options.as_str(catalog),
                   rules_only=rules_only, knowledge_dir=options.as_str(knowledge), time_budget=time_budget)
    summary = Summary()
    results = scanner.scan(records, jobs=jobs)
    if not quiet:
        results = progress(results, err, None if total is None else total - skip)
    try:
        writer_cm = open_writer(output, output_format, append=bool(skip))
    except (ValueError, OSError) as exc:
        _refuse(exc)
    with writer_cm as writer:
        try:
            for result in results:
                writer.write(result)
                summary.add(result)
                if strict and result.get("error"):
                    err.print(f"[red]stopped (--strict):[/red] note {result.get('note_id')}: {result['error']['code']}")
                    break
        # the writer's own count: an interrupt between writing a result and counting it in the summary must
        # not make the message disagree with the file
        except WorkerError as exc:
            _stopped(str(exc), writer.count + skip, output)
            raise typer.Exit(WORKER_FAILED)
        except KeyboardInterrupt:
            _stopped("interrupted", writer.count + skip, output)
            raise typer.Exit(INTERRUPTED)
        except BrokenPipeError:
            raise  # the reader of stdout has gone: guarded() ends the command quietly
        except OSError as exc:  # the input became unreadable, or the output unwritable (a full disk)
            _stopped(describe(exc), writer.count + skip, output)
            raise typer.Exit(FAILED)
    if not quiet:
        if skip:
            err.print(f"resumed after {skip} results already in {output}")
        err.print(summary.table())
    if summary.errors:
        raise typer.Exit(RECORD_ERRORS)


def _refuse(exc: Exception) -> NoReturn:
    """A scan that cannot start (input, format, mapping, output): one line, exit 1, nothing written."""
    err.print(f"[red]error:[/red] {describe(exc) if isinstance(exc, OSError) else exc}")
    raise typer.Exit(FAILED)


def _stopped(reason: str, written: int, output: str) -> None:
    """Why the scan stopped early and what it left: whole result lines only, which --resume continues."""
    where = "written to stdout" if output == "-" else f"in {output}, rerun with --resume to scan the rest"
    err.print(f"[red]error:[/red] {reason}; {written} results are {where}")


@app.command("packs")
def list_packs() -> None:
    """The code packs shipped with cptscan: which are on by default, what each covers, its codes."""
    from . import packs as pack_module
    from .catalog import load_catalog

    table = Table("pack", "on by default", "codes", "covers")
    for name, default in sorted(pack_module.available().items()):
        pack = pack_module.read_pack(name)
        codes = pack.data("codes.json")["codes"]
        detectable = [c for c, entry in codes.items() if entry.get("service_concept")]
        table.add_row(name, "yes" if default else f"no (--pack {name})", ", ".join(detectable), pack.about)
    load_catalog()  # a broken default pack fails here, not on the first scan
    Console().print(table)


@app.command("knowledge")
def save_knowledge(
    directory: Path = typer.Argument(..., help="a new directory to write the knowledge into"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """Freeze the knowledge in use (rules, packs, site catalog, models) into one hash-checked directory, for
    `cptscan scan --knowledge DIR` or `cptscan.load(knowledge_dir=DIR)` on another machine."""
    from .knowledge import load_knowledge

    load_knowledge(options.as_str(catalog), packs).to_disk(directory)
    err.print(f"knowledge written to {directory} (packs: {', '.join(['default', *packs])})")


@app.command()
def explain(
    text: Optional[str] = typer.Option(None, "--text", help="the note text"),
    file: Optional[Path] = typer.Option(None, "--file", help="a plain-text note file"),
    date_of_service: Optional[str] = typer.Option(None, "--date", help="date of service, YYYY-MM-DD"),
    note_type: Optional[str] = typer.Option(None, "--note-type"),
    as_json: bool = typer.Option(False, "--json", help="print the result line instead of the explanation"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """Show the decision for one note with its evidence highlighted and the reason for each assertion."""
    from .scanner import load

    if (text is None) == (file is None):
        err.print("[red]error:[/red] give exactly one of --text or --file")
        raise typer.Exit(2)
    body = text if text is not None else _note_file(file)
    result = load(packs=packs, catalog_path=options.as_str(catalog)).scan_text(
        body, note_id="explain", date_of_service=date_of_service, note_type=note_type)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    out = Console()
    if result["error"]:
        out.print(f"[red]not scanned:[/red] {result['error']['code']}: {result['error']['message']}")
        raise typer.Exit(RECORD_ERRORS)
    out.print(_highlighted(body, result["mentions"]))
    out.print()
    if not result["codes"]:
        out.print("[bold]No candidate code.[/bold]")
    for code in result["codes"]:
        missing = ", ".join(code["missing"]) or "none"
        coverage = "" if code["coverage_documented"] is None else f"; coverage documented: {code['coverage_documented']}"
        out.print(f"[bold]{code['code']}[/bold] {code['status']} (confidence {code['confidence']:.2f}); missing: {missing}{coverage}")
    out.print(_mention_table(result["mentions"]))
    out.print("[dim]Suggestions for a certified coder, not coding advice.[/dim]")


def _note_file(path: Path) -> str:
    """The text of a note file, or a one-line reason it cannot be read (OSErrors are ``guarded``'s)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        err.print(f"[red]error:[/red] {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8")
        raise typer.Exit(FAILED) from None


STYLE = {"affirmed": "bold green", "negated": "bold red", "hypothetical": "bold yellow",
         "historical": "bold blue", "family": "bold magenta"}


def _highlighted(body: str, mentions: list[dict]) -> Text:
    text = Text(body)
    for m in mentions:
        text.stylize(STYLE.get(m["assertion"], "bold"), m["start"], m["end"])
    return text


def _mention_table(mentions: list[dict]) -> Table:
    table = Table(title="Evidence")
    for column in ("label", "text", "assertion", "why", "section", "rule"):
        table.add_column(column)
    for m in mentions:
        why = "; ".join(f"{mod['category'].lower()}: '{mod['cue']}'" for mod in m["modifiers"]) or "-"
        table.add_row(m["label"], m["text"], m["assertion"], why, m["section"] or "-", m["rule"])
    return table


def _register_stage_commands() -> None:
    """Each later stage adds its own commands; the CLI only gathers them."""
    from .coverage.commands import register as register_coverage
    from .evaluate.commands import register as register_evaluate
    from .genre_commands import register as register_genre
    from .queries_commands import register as register_queries
    from .service_commands import register as register_service
    from .train_commands import register as register_train
    from .worklist.commands import register as register_worklist

    for register in (register_evaluate, register_worklist, register_coverage, register_queries, register_service,
                     register_train, register_genre):
        register(app)


_register_stage_commands()
for _command in app.registered_commands:
    _command.callback = guarded(_command.callback)


def main() -> None:
    """Runs the CLI; knowledge that cannot be trusted (models, catalog, rules, packs) is a message, not a
    traceback, and exit code 2."""
    from .catalog import CatalogError
    from .knowledge import KnowledgeError
    from .models import ModelIntegrityError
    from .packs import PackError
    from .rules import RuleFileError

    try:
        app()
    except (ModelIntegrityError, CatalogError, RuleFileError, PackError, KnowledgeError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
