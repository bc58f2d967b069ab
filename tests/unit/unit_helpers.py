"""Small readers of a result line, shared by the unit tests."""

from __future__ import annotations


def codes_of(result: dict) -> dict[str, dict]:
    """The result's candidate codes keyed by code."""
    return {c["code"]: c for c in result["codes"]}


def assertions_of(result: dict, label: str) -> list[str]:
    """Assertions of every mention with ``label``, in text order."""
    return [m["assertion"] for m in result["mentions"] if m["label"] == label]


def cues_of(result: dict, label: str) -> list[tuple[str, str]]:
    """(category, lower-cased cue) of every modifier on the mentions with ``label``."""
    return [(mod["category"], mod["cue"].lower()) for m in result["mentions"] if m["label"] == label
            for mod in m["modifiers"]]
