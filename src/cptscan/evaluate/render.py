"""Re-render notes as other systems export them, to measure whether meaning depends on layout.

A note's meaning does not change when an export hard-wraps it at 64 columns, so its codes should not
either. Wrapping only turns spaces into line breaks: every character keeps its offset, so gold spans stay
valid and a corpus can be scored re-rendered (``cptscan evaluate --render wrap64``).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator


def wrap(text: str, width: int = 64) -> str:
    """Lines longer than ``width`` broken at their last space before the column (or the first after it, for
    a longer word); the result has the same length as ``text``."""
    out = []
    for line in text.split("\n"):
        pieces = []
        while len(line) > width:
            cut = line.rfind(" ", 1, width + 1)
            if cut <= 0:
                cut = line.find(" ", width + 1)
            if cut <= 0:
                break
            pieces.append(line[:cut])
            line = line[cut + 1:]
        pieces.append(line)
        out.append("\n".join(pieces))
    return "\n".join(out)


RENDERERS: dict[str, Callable[[str], str]] = {
    "wrap64": lambda text: wrap(text, 64),
    "wrap48": lambda text: wrap(text, 48),
}


def render_notes(notes: Iterable[dict], name: str) -> Iterator[dict]:
    """``notes`` with their text re-rendered by the renderer called ``name`` (see ``RENDERERS``)."""
    render = RENDERERS[name]
    for note in notes:
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            note = {**note, "text": render(note["text"])}
        yield note
