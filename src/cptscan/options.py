"""Command-line options that choose the knowledge, shared by every command that scans or reconciles."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .records import DEFAULT_TIME_BUDGET

PACKS: List[str] = typer.Option([], "--pack", help="enable a code pack that is off by default (repeatable; "
                                                    "`cptscan packs` lists them)")
CATALOG: Optional[Path] = typer.Option(None, "--catalog", exists=True, dir_okay=False,
                                       help="a site's own catalog file (a pack's codes.json structure)")
KNOWLEDGE: Optional[Path] = typer.Option(None, "--knowledge", exists=True, file_okay=False,
                                         help="a knowledge directory written by `cptscan knowledge` (its packs, "
                                              "catalog and models, hash-checked) instead of the packaged ones")

TIME_BUDGET: float = typer.Option(DEFAULT_TIME_BUDGET, "--time-budget", min=0.001,
                                  help="seconds one note may take; a note that takes longer becomes a "
                                       "time_budget_exceeded error line")


def as_str(path: Optional[Path]) -> Optional[str]:
    """A path option as the string the loaders take (None when absent)."""
    return str(path) if path else None
