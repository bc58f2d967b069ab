"""CLI command ``queries``: a documentation query draft for every note-level documentation gap of a results
file. Only the count goes to the terminal; the drafts quote notes, so they go to the output file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from cptscan import options
from cptscan.knowledge import load_knowledge
from cptscan.queries import note_drafts
from cptscan.worklist.commands import read_lines, read_notes


def queries_command(
    results: Path = typer.Argument(..., exists=True, dir_okay=False, help="results.jsonl from `cptscan scan`"),
    output: Path = typer.Option(..., "-o", "--output", help="queries.jsonl: one draft per documentation gap"),
    notes: Optional[Path] = typer.Option(None, "--notes", exists=True,
                                         help="the notes scanned: indicators then quote whole sentences"),
    packs: List[str] = options.PACKS,
    catalog: Optional[Path] = options.CATALOG,
) -> None:
    """Query drafts to the documenting physician, one per documentation gap (`text` is what to send)."""
    texts = {n.get("note_id"): n.get("text") or "" for n in read_notes(notes)} if notes else None
    drafts = list(note_drafts(read_lines(results), load_knowledge(options.as_str(catalog), packs), texts))
    output.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in drafts), encoding="utf-8")
    typer.echo(f"{len(drafts)} query drafts", err=True)


def register(app: typer.Typer) -> None:
    app.command("queries")(queries_command)
