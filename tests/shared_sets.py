"""Where the shared development sets are, and how a test that needs them says it cannot run.

The sets (corpus-dev, corpus-dev2, the external kits) are not part of this repository: they sit beside it in
../shared, or where CPTSCAN_SHARED points. A fresh clone has only the project, so those tests skip and say why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CPTSCAN_SHARED", ROOT.parent / "shared"))


def missing_reason(path: Path) -> str:
    return (f"needs {path}, from the shared development sets, which are not in this repository "
            "(check them out beside it as ../shared, or set CPTSCAN_SHARED)")


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip unless ``SHARED/<parts>`` exists, naming what is missing and how to provide it."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(), reason=missing_reason(path))
