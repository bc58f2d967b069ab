"""The ``train`` CLI command, registered on the main typer app by ``cli.py``.

Training reads only cptscan's own corpora (``corpora/``): the development set measures the scanner and
must not shape it, so there is deliberately no option to point training at it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

REPO = Path(__file__).resolve().parents[2]


def register(app: typer.Typer) -> None:
    """Add ``cptscan train`` to ``app``."""

    @app.command()
    def train(
        corpora: Path = typer.Option(REPO / "corpora", file_okay=False, exists=True,
                                     help="cptscan's corpora folder (generated/, handwritten/, splits.json)."),
        out: Optional[Path] = typer.Option(None, file_okay=False,
                                           help="Where to write the models (default: $CPTSCAN_MODELS or src/cptscan/models/)."),
        seed: int = typer.Option(2026, help="Random seed; the same seed gives the same metrics."),
    ) -> None:
        """Train the interpretation and service sentence classifiers; write joblib files, manifest, model card."""
        from cptscan.models import models_dir
        from cptscan.train import run

        target = out or models_dir()
        if "corpus-dev" in str(corpora.resolve()):
            typer.echo("error: the development set is for measuring, not training", err=True)
            raise typer.Exit(2)
        metrics = run(corpora, target, seed=seed)
        for name, info in metrics["models"].items():
            m = info["validation"]["positive"]
            typer.echo(f"{name}: validation P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
                       f"(C={info['C']}, threshold {info['threshold']})")
        typer.echo(f"wrote {target}; run benchmarks/ablation.py --card to measure on the development set")
