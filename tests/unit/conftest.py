"""``scan``: one note's result line from the session's scanner (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def scan(scanner):
    """``scan(text, **fields)`` -> the result line of one note (which must have scanned without error)."""

    def _scan(text: str, **fields):
        result = scanner.scan_text(text, **fields)
        assert result["error"] is None, result["error"]
        return result

    return _scan
