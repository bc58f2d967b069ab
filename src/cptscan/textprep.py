"""Text that is usable but unusual: markup neutralised with offsets kept, binary data recognised.

Evidence offsets must point into the text the user sent, so markup is blanked out character for character
(tags and RTF control words become spaces of the same length) rather than stripped.
"""

from __future__ import annotations

import re

HTML_HINT = re.compile(r"<\s*(?:html|body|div|p|br|span|table|td|tr|b|i|li|ul|h\d)\b[^>]*>", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^<>]{0,500}>")
HTML_ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
RTF_HINT = re.compile(r"^\s*\{\\rtf", re.IGNORECASE)
RTF_CONTROL = re.compile(r"\\[a-z]+-?\d* ?|\\'[0-9a-f]{2}|\\[{}\\]|[{}]", re.IGNORECASE)
BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def _blank(match: re.Match) -> str:
    """Same length as the markup, keeping its line breaks so sentence and section starts survive."""
    return "".join("\n" if ch == "\n" else " " for ch in match.group(0))


def neutralise_markup(text: str) -> str:
    """HTML tags/entities or RTF control words replaced by blanks of equal length; plain text unchanged."""
    if RTF_HINT.match(text):
        return RTF_CONTROL.sub(_blank, text)
    if HTML_HINT.search(text):
        text = HTML_TAG.sub(lambda m: "\n" + _blank(m)[1:] if re.match(r"<\s*(br|p|div|li|tr|h\d)\b", m.group(0), re.I) else _blank(m), text)
        return HTML_ENTITY.sub(_blank, text)
    return text


def looks_binary(text: str, sample: int = 4096) -> bool:
    """A note with many control characters or decoding replacements in its first KB is not text."""
    head = text[:sample]
    return len(BINARY_CHARS.findall(head)) > max(3, len(head) // 100)
