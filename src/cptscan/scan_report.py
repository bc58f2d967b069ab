"""What ``cptscan scan`` tells the person running it: progress while it runs, a summary table at the end.

Both carry counts only, never note text. Progress is a bar on a terminal; when stderr is a file or a pipe
(a batch job's log) it is a line with the count every ``PROGRESS_SECONDS``, so a long run shows it is alive.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Iterable, Iterator, Optional

from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__

PROGRESS_SECONDS = 30.0


class Summary:
    """Counts for the end-of-run table: notes, candidates per code and status, errors by code."""

    def __init__(self) -> None:
        self.notes = 0
        self.codes: Counter[tuple[str, str]] = Counter()
        self.errors: Counter[str] = Counter()

    def add(self, result: dict) -> None:
        self.notes += 1
        if result.get("error"):
            self.errors[result["error"]["code"]] += 1
        for code in result.get("codes", []):
            self.codes[(code["code"], code["status"])] += 1

    def table(self) -> RenderableType:
        """One row per code and status, one per error code; a run without candidates says so in words."""
        title = f"cptscan {__version__}: {self.notes} notes scanned"
        if not self.codes and not self.errors:
            return Text(f"{title}; no note has a candidate code")
        table = Table(title=title, caption=None if self.codes else "no note has a candidate code")
        table.add_column("code")
        table.add_column("status")
        table.add_column("notes", justify="right")
        for (code, status), n in sorted(self.codes.items()):
            table.add_row(code, status, str(n))
        for code, n in sorted(self.errors.items()):
            table.add_row("error", code, str(n), style="red")
        return table


def progress(results: Iterable[dict], console: Console, total: Optional[int]) -> Iterator[dict]:
    """``results`` passed through while the count (of ``total``, when known) is shown on ``console``."""
    if console.is_terminal:
        with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("scan", total=total)
            for result in results:
                bar.advance(task)
                yield result
        return
    of = f" of {total:,}" if total is not None else ""
    last = time.monotonic()
    for done, result in enumerate(results, start=1):
        yield result
        if time.monotonic() - last >= PROGRESS_SECONDS:
            console.print(f"scanned {done:,}{of} notes", highlight=False)
            last = time.monotonic()
