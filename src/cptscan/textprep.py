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
RTF_CONTROL = re.compile(r"\\[a-z]+-?\d* ?|\\'[0-9a-f]{2}|\\[{}\\~_|:*-]|[{}]", re.IGNORECASE)
# Control words that end a line or paragraph: blanked as a line break, so sections and sentences survive.
RTF_BREAK = re.compile(r"\\(?:par|line|sect|page|row)(?![a-z])", re.IGNORECASE)
# Destination groups that hold no note text (font and colour tables, document info, "\*" extensions).
RTF_DESTINATION = re.compile(r"\{\s*\\(?:\*|(?:fonttbl|colortbl|stylesheet|info|listtable|listoverridetable|pict|"
                             r"header[lrf]?|footer[lrf]?)(?![a-z]))", re.IGNORECASE)
BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def _blank(match: re.Match) -> str:
    """Same length as the markup, keeping its line breaks so sentence and section starts survive."""
    return "".join("\n" if ch == "\n" else " " for ch in match.group(0))


def neutralise_markup(text: str) -> str:
    """HTML tags/entities or RTF control words replaced by blanks of equal length; plain text unchanged."""
    if RTF_HINT.match(text):
        return RTF_CONTROL.sub(_rtf_blank, _blank_rtf_destinations(text))
    if HTML_HINT.search(text):
        text = HTML_TAG.sub(lambda m: "\n" + _blank(m)[1:] if re.match(r"<\s*(br|p|div|li|tr|h\d)\b", m.group(0), re.I) else _blank(m), text)
        return HTML_ENTITY.sub(_blank, text)
    return text


def _rtf_blank(match: re.Match) -> str:
    """An RTF control blanked; ``\\par`` and its kin become a line break followed by spaces."""
    if RTF_BREAK.match(match.group(0)):
        return "\n" + _blank(match)[1:]
    return _blank(match)


def _blank_rtf_destinations(text: str) -> str:
    """Font/colour tables and other non-text groups blanked whole (nested braces counted, escapes skipped)."""
    out: list[str] = []
    pos = 0
    for match in RTF_DESTINATION.finditer(text):
        start = match.start()
        if start < pos:  # inside a group already blanked
            continue
        depth, i = 0, start
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if depth:  # unbalanced braces: leave the rest as it is rather than blank the note away
            break
        end = i + 1
        out.append(text[pos:start])
        out.append("".join("\n" if ch == "\n" else " " for ch in text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def looks_binary(text: str, sample: int = 4096) -> bool:
    """A note with many control characters or decoding replacements in its first KB is not text."""
    head = text[:sample]
    return len(BINARY_CHARS.findall(head)) > max(3, len(head) // 100)
