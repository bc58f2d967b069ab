"""The headless notebook runner, and the evaluation notebook itself once the scanner exists."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from shared_sets import needs_shared

import cptscan
from cptscan.evaluate.notebook import main, run

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "evaluation.ipynb"


def _scanner_importable() -> bool:
    try:
        from cptscan.reconcile import reconcile  # noqa: F401
    except ImportError:
        return False
    return callable(getattr(cptscan, "load", None))


def test_runner_uses_this_interpreter(tmp_path):
    import sys

    nb_path = tmp_path / "tiny.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import sys, cptscan.evaluate\nprint(sys.executable)")]), str(nb_path))
    out = run(nb_path, output=tmp_path / "out.ipynb")
    assert out.cells[0].outputs[0]["text"].strip() == sys.executable
    assert (tmp_path / "out.ipynb").exists()


def test_runner_reports_failure(tmp_path, capsys):
    nb_path = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("raise RuntimeError('cell failed')")]), str(nb_path))
    assert main([str(nb_path)]) == 1
    assert "RuntimeError" in capsys.readouterr().err


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@needs_shared("corpus-dev", "gold.jsonl")  # the notebook evaluates the scanner on it
@pytest.mark.skipif(not _scanner_importable(), reason="cptscan.load / cptscan.reconcile not written yet")
def test_evaluation_notebook_executes(tmp_path):
    out = run(NOTEBOOK, output=tmp_path / "executed.ipynb")
    kinds = {o.output_type for c in out.cells if c.cell_type == "code" for o in c.get("outputs", [])}
    assert "error" not in kinds
    images = [o for c in out.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 1
