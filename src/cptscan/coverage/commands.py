"""CLI commands ``policy diff`` and ``codes`` (``--changes YEAR``): what changed in the payers' policies and
in the code set, for the coding manager. Only policy and code data are printed, never note text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from cptscan import options
from cptscan.catalog.changes import code_changes
from cptscan.coverage.diff import affected, changes
from cptscan.knowledge import load_knowledge
from cptscan.worklist.commands import policy_table, read_lines

policy_app = typer.Typer(no_args_is_help=True, help="A site's payer policy tables (docs/coverage.md).")


@policy_app.command("diff")
def diff_command(
    old: Path = typer.Argument(..., exists=True, dir_okay=False, help="the policy table before"),
    new: Path = typer.Argument(..., exists=True, dir_okay=False, help="the policy table after"),
    worklist: Optional[Path] = typer.Option(None, "--worklist", exists=True, dir_okay=False,
                                            help="worklist.jsonl: name the open rows each change touches"),
    as_json: bool = typer.Option(False, "--json", help="one JSON line per change instead of a table"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """Per payer and code, the dates whose status changed (covered -> not covered, a new prior-authorization
    requirement, an end date), and which worklist rows fall in them."""
    knowledge = load_knowledge(options.as_str(catalog), packs)
    found = changes(policy_table(old, knowledge), policy_table(new, knowledge))
    rows = [r for r in read_lines(worklist) if not r.get("decision")] if worklist else []
    for change in found:
        change["worklist_rows"] = affected(change, rows) if worklist else None
    if as_json:
        typer.echo("".join(json.dumps(c) + "\n" for c in found), nl=False)
        return
    table = Table("payer", "code", "from", "to", "before", "after", "rows", "open worklist rows",
                  title=f"{len(found)} policy changes (sources: --json)")
    for c in found:
        rows_used = " -> ".join(str((r or {}).get("row", "-")) for r in (c["old_row"], c["new_row"]))
        table.add_row(c["payer_id"], c["code"], c["from"], c["to"] or "open", c["old"] or "no policy",
                      c["new"] or "no policy", rows_used,
                      "-" if c["worklist_rows"] is None else str(len(c["worklist_rows"])))
    Console().print(table)


def codes_command(
    changes_year: Optional[int] = typer.Option(None, "--changes", metavar="YEAR",
                                               help="only the code-set changes of YEAR: new, deleted, replaced"),
    as_json: bool = typer.Option(False, "--json", help="one JSON line per code instead of a table"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """The codes of the catalog in use, or with --changes YEAR what the code set changed that year."""
    cat = load_knowledge(options.as_str(catalog), packs).catalog
    if changes_year is not None:
        lines = code_changes(cat, changes_year)
    else:
        lines = [{"code": e.code, "category": e.category, "effective_from": e.effective_from.isoformat(),
                  "effective_to": e.effective_to.isoformat() if e.effective_to else None,
                  "description": e.description} for e in sorted(cat.entries.values(), key=lambda e: e.code)]
    if as_json:
        typer.echo("".join(json.dumps(line) + "\n" for line in lines), nl=False)
        return
    columns = [k for k in (lines[0] if lines else {"code": ""}) if k != "description"]  # --json has it
    table = Table(*columns, title=f"{len(lines)} codes (catalog {cat.version})")
    for line in lines:
        table.add_row(*("" if line[k] is None else ", ".join(line[k]) if isinstance(line[k], list) else str(line[k])
                        for k in columns))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Adds ``policy diff`` and ``codes`` to the main CLI."""
    app.add_typer(policy_app, name="policy")
    app.command("codes")(codes_command)
