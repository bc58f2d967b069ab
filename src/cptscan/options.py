"""Command-line options that choose the knowledge, shared by every command that scans or reconciles."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

PACKS: List[str] = typer.Option([], "--pack", help="enable a code pack that is off by default (repeatable; "
                                                    "`cptscan packs` lists them)")
CATALOG: Optional[Path] = typer.Option(None, "--catalog", exists=True, dir_okay=False,
                                       help="a site's own catalog file (a pack's codes.json structure)")
KNOWLEDGE: Optional[Path] = typer.Option(None, "--knowledge", exists=True, file_okay=False,
                                         help="a knowledge directory written by `cptscan knowledge` (its packs, "
                                              "catalog and models, hash-checked) instead of the packaged ones")


def as_str(path: Optional[Path]) -> Optional[str]:
    """A path option as the string the loaders take (None when absent)."""
    return str(path) if path else None
