"""Evaluation of cptscan output against annotated gold (issue 4).

Everything here works on plain dicts -- the JSONL lines of ``docs/formats.md`` -- so
that a results file written by ``cptscan scan`` yesterday can be scored today without the scanner,
and another tool can reproduce the figures from ``docs/evaluation.md`` alone.

Modules:
    metrics   note-, span- and chart-level P/R/F1, bootstrap CIs, error listing
    negex     reader and scorer for the public NegEx test kit
    report    rich tables for the terminal and the JSON document behind ``--json``
    plots     matplotlib PNGs (per-code bars, assertion confusion matrix)
    commands  ``register(app)`` adds ``evaluate`` and ``evaluate-negation`` to the CLI
    notebook  headless runner for ``notebooks/evaluation.ipynb``
"""

from cptscan.evaluate.metrics import evaluate, prf, read_jsonl

__all__ = ["evaluate", "prf", "read_jsonl"]
