"""Command-line options that choose the knowledge, shared by every command that scans or reconciles."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

PACKS: List[str] = typer.Option([], "--pack", help="enable a code pack that is off by default (repeatable; "
                                                    "`cptscan packs` lists them)")
CATALOG: Optional[Path] = typer.Option(None, "--catalog", exists=True, dir_okay=False,
                                       help="a site's own catalog file (a pack's codes.json structure)")


def catalog_path(catalog: Optional[Path]) -> Optional[str]:
    return str(catalog) if catalog else None
