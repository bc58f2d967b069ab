"""The ``serve`` CLI command, registered on the main typer app by ``cli.py``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from cptscan import options


def register(app: typer.Typer) -> None:
    """Add ``cptscan serve`` to ``app``. The token comes only from ``CPTSCAN_TOKEN``: a secret on the
    command line would show in ``ps`` and shell history."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to bind; anything but loopback needs CPTSCAN_TOKEN."),
        port: int = typer.Option(8000, help="TCP port."),
        max_body_mb: float = typer.Option(10.0, help="Largest request body accepted, in MiB (413 above it)."),
        workers: int = typer.Option(1, min=1, help="Processes scanning requests in parallel, forked from the "
                                                   "loaded scanner (its pages shared)."),
        request_timeout: float = typer.Option(30.0, min=0.1, help="Seconds a client has to send a request's "
                                                                  "headers, then each part of its body (408)."),
        packs: List[str] = options.PACKS,
        catalog: Optional[Path] = options.CATALOG,
        knowledge: Optional[Path] = options.KNOWLEDGE,
        time_budget: float = options.TIME_BUDGET,
        worklist: Optional[Path] = typer.Option(
            None, exists=True, dir_okay=False,
            help="A worklist page (`cptscan worklist --format html`) to serve at /worklist; loopback only."),
        outcomes: Optional[Path] = typer.Option(
            None, dir_okay=False, help="Where decisions posted from /worklist are appended "
                                       "(default: the worklist's name with .outcomes.jsonl)."),
    ) -> None:
        """Run the HTTP service (POST /v1/scan, POST /v1/reconcile, GET /health, the endpoints at /docs, the
        schema at /openapi.json; /worklist with --worklist)."""
        from cptscan.service import serve as run

        try:
            run(host=host, port=port, max_body_bytes=int(max_body_mb * 1024 * 1024), worklist=worklist,
                workers=workers, request_timeout=request_timeout,
                outcomes=outcomes, packs=packs, catalog_path=options.as_str(catalog),
                knowledge_dir=options.as_str(knowledge), time_budget=time_budget)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
