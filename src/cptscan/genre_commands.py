"""The ``train-genre`` CLI command, registered on the main typer app by ``cli.py``.

A sibling of ``cptscan train``: it trains the genre classifier alone (``genre_train.py``) and writes its
entry into the same manifest, leaving the sentence classifiers' entries as they are. It reads
``corpora/genre`` and MTSamples, never the development sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

REPO = Path(__file__).resolve().parents[2]


def register(app: typer.Typer) -> None:
    """Add ``cptscan train-genre`` to ``app``."""

    @app.command("train-genre")
    def train_genre(
        corpus: Path = typer.Option(REPO / "corpora" / "genre", file_okay=False, exists=True,
                                    help="The genre corpus folder (documents.jsonl, handwritten.txt)."),
        mtsamples: Optional[Path] = typer.Option(None, dir_okay=False, exists=True,
                                                 help="mtsamples.csv (its relevant_rows.tsv beside it); default "
                                                      "../shared/external/mtsamples/mtsamples.csv."),
        out: Optional[Path] = typer.Option(None, file_okay=False,
                                           help="Where to write the model (default: $CPTSCAN_MODELS or src/cptscan/models/)."),
        seed: int = typer.Option(2026, help="Random seed; the same seed gives the same metrics."),
    ) -> None:
        """Train the document and block genre classifier; write genre.joblib, its manifest entry, the card section."""
        from cptscan.genre_train import default_mtsamples, run
        from cptscan.knowledge import load_knowledge
        from cptscan.models import models_dir

        source = mtsamples or default_mtsamples(REPO)
        if source is None:
            typer.echo("error: no mtsamples.csv found; give --mtsamples", err=True)
            raise typer.Exit(2)
        if any("corpus-dev" in str(p.resolve()) for p in (corpus, source)):
            typer.echo("error: the development set is for measuring, not training", err=True)
            raise typer.Exit(2)
        spec = load_knowledge().rules.context["document_genres"]
        metrics = run(corpus, source, out or models_dir(), frozenset(spec["clinical"]), seed=seed)
        side = metrics["validation"]["clinical_or_not"]["non-clinical"]
        typer.echo(f"genre: validation accuracy {metrics['validation']['accuracy']:.3f}, non-clinical P "
                   f"{side['precision']:.3f} R {side['recall']:.3f} (C={metrics['C']})")
