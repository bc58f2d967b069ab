"""Run ``notebooks/evaluation.ipynb`` headless: ``python -m cptscan.evaluate.notebook NOTEBOOK``.

Why a private kernel spec: a ``python3`` kernel found on the machine may belong to another Python that
cannot import cptscan. The runner writes a throwaway kernel spec whose ``argv`` is *this* interpreter
(``sys.executable -m ipykernel_launcher``), so the notebook runs in the same venv as the command.

The notebook is executed with its own folder as working directory and is not written back unless
``--output`` is given: executed outputs show dev-set evidence text, which does not belong in git.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence, Union

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNEL_NAME = "cptscan-eval"


def _kernel_manager(spec_root: Path) -> KernelManager:
    """A kernel manager whose only spec launches ipykernel with the current interpreter."""
    spec_dir = spec_root / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"cptscan ({sys.executable})",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_root)], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def run(path: Union[str, Path], output: Optional[Union[str, Path]] = None, timeout: int = 900) -> nbformat.NotebookNode:
    """Execute every cell of the notebook at ``path``; raises ``CellExecutionError`` on the first failure."""
    path = Path(path).resolve()
    nb = nbformat.read(str(path), as_version=4)
    with tempfile.TemporaryDirectory(prefix="cptscan-kernel-") as spec_root:
        client = NotebookClient(
            nb,
            km=_kernel_manager(Path(spec_root)),
            timeout=timeout,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    if output is not None:
        nbformat.write(nb, str(output))
    return nb


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cptscan.evaluate.notebook", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--output", type=Path, default=None, help="write the executed notebook here")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    try:
        nb = run(args.notebook, args.output, args.timeout)
    except CellExecutionError as exc:
        # the traceback names the cell and the exception; cell outputs (note text) are not echoed
        print(f"notebook failed: {str(exc).splitlines()[-1] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 1
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"executed {cells} code cells of {args.notebook}" + (f"; wrote {args.output}" if args.output else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
