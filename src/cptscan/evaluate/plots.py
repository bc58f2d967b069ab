"""PNG plots of an evaluation report (matplotlib, Agg backend: no display needed, safe in CI).

Plots read the report dict only, so they can be redrawn from a saved ``--json`` document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Union

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)

PathLike = Union[str, Path]


def per_code_bars(per_code: Mapping[str, Mapping[str, Any]], path: PathLike, title: str = "Per-code P/R/F1") -> Path:
    """Grouped bars of precision, recall and F1 per code; the count of gold codes under each label."""
    codes = sorted(per_code)
    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(codes) + 1), 3.6))
    width = 0.26
    for k, (name, colour) in enumerate((("precision", "#4C72B0"), ("recall", "#DD8452"), ("f1", "#55A868"))):
        xs = [i + (k - 1) * width for i in range(len(codes))]
        ax.bar(xs, [per_code[c][name] for c in codes], width, label=name, color=colour)
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels([f"{c}\n(gold {per_code[c]['tp'] + per_code[c]['fn']})" for c in codes])
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return _save(fig, path)


def confusion_matrix(assertion: Mapping[str, Any], path: PathLike, title: str = "Assertion (gold rows, predicted columns)") -> Path:
    """Heat map of the assertion confusion matrix with the count in each cell."""
    labels, matrix = assertion["labels"], assertion["matrix"]
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2, 1.0 * len(labels) + 1.5))
    ax.imshow(matrix, cmap="Blues")
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            ax.text(j, i, str(n), ha="center", va="center", color="white" if peak and n > peak / 2 else "black")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    return _save(fig, path)


def write_plots(report: Mapping[str, Any], out_dir: PathLike) -> list[Path]:
    """Write every plot the report supports into ``out_dir``; returns the files written.

    ``per_code.png`` always; ``assertion_confusion.png`` when the report has span results.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [per_code_bars(report["per_code"], out / "per_code.png")]
    if report.get("spans"):
        written.append(confusion_matrix(report["spans"]["assertion"], out / "assertion_confusion.png"))
    return written


def _save(fig: "plt.Figure", path: PathLike) -> Path:
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
    return path
