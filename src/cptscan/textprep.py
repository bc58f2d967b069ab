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


# -- layout: hard-wrapped lines and dictated punctuation ---------------------------------------------------
# Every step below keeps the text's length and every character's offset (a soft line break becomes a space,
# a dictated "period" becomes blanks and a full stop), so evidence offsets need no map back to the note.

BULLET_OR_FIELD = re.compile(r"(?:[-*\u2022\u00b7+>#]|\d{1,2}[.)]\s|[A-Za-z][.)]\s|\[[ xX]?\]|\(\s?[xX ]?\s?\)|"
                             r"[A-Z](?:[\w /&#'+.-]|\([^()\n]{0,40}\)){0,40}:(?:\s|$))")
SENTENCE_DONE = re.compile(r"[.!?:]$")
#: a full stop that ends a title or an abbreviation before a name or a word, not a sentence ("routed to Dr.\nLee")
TITLE_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Dr|Drs|Mr|Mrs|Ms|Prof|St|vs|approx|e\.g|i\.e|cf)\.$")
CHECKBOX = re.compile(r"\[[ xX\u2713\u2714]?\]")
CONTINUES = re.compile(r"(?:[,/&+(\-]|\b(?:and|or|of|with|w/|the|to|for|in|on|by|a|an|at|from|as|is|was|were|are|be|"
                       r"been|not|no|than|that|which|per|vs|this|its|their|his|her|under|using|via|into|after|"
                       r"before|over|without))$", re.IGNORECASE)
FIRST_WORD = re.compile(r"\S+")
#: a note counts as hard-wrapped when this share of its longer lines ends within WRAP_SLACK of its widest line
WRAPPED_SHARE = 0.4
WRAP_SLACK = 14
MIN_WRAP_WIDTH, MAX_WRAP_WIDTH = 30, 132


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped export was cut at, or None when the lines do not look cut at one width."""
    lengths = [len(line.rstrip()) for line in lines if len(line.strip()) > 20]
    if len(lengths) < 3:
        return None
    width = max(lengths)
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    near = sum(1 for n in lengths if n >= width - WRAP_SLACK)
    return width if near >= 3 and near >= WRAPPED_SHARE * len(lengths) else None


def _capitalises_lines(lines: list[str]) -> bool:
    """Whether the writer starts lines with a capital: only then does a lower-case line start continue a line
    (a note typed all in lower case starts its headers and sentences in lower case too)."""
    starts = [line.lstrip()[:1] for line in lines if line.lstrip()[:1].isalpha()]
    return sum(c.isupper() for c in starts) > len(starts) / 2


LOWER_RUN, UPPER_RUN = re.compile(r"[a-z]+"), re.compile(r"[A-Z]+")


def _mixed_case(text: str) -> bool:
    """Whether the note is written in mixed case: only then is an upper-case line a header or a title."""
    lower = sum(map(len, LOWER_RUN.findall(text)))
    return lower > (lower + sum(map(len, UPPER_RUN.findall(text)))) / 4


def _soft_break(line: str, following: str, width: int | None, capitals: bool, mixed: bool) -> bool:
    """Whether the line break between ``line`` and ``following`` only wraps a sentence (a typist's or an
    export's line end) rather than ending a header, field, list item or sentence."""
    prev, nxt = line.rstrip(), following.lstrip()
    if width is not None and CHECKBOX.match(nxt) and CHECKBOX.search(prev) and _cut_at(prev, nxt, width):
        return True  # the rest of a field's tick boxes, cut by the export ("Label: [ ] done\n[X] not done")
    if not prev.strip() or not nxt or BULLET_OR_FIELD.match(nxt):
        return False
    if TITLE_ABBREVIATION.search(prev):
        return True
    if SENTENCE_DONE.search(prev) and not _value_cut_off(prev, nxt, width):
        return False
    if mixed and prev.upper() == prev and not CONTINUES.search(prev):  # a title or header line
        return False
    if CONTINUES.search(prev) or (capitals and nxt[0].islower()):
        return True
    return width is not None and _cut_at(prev, nxt, width)


def _value_cut_off(prev: str, nxt: str, width: int | None) -> bool:
    """A long 'Label:' line cut by the export just after its colon: the value goes on in lower case below."""
    return prev.endswith(":") and nxt[0].islower() and width is not None and _cut_at(prev, nxt, width)


def _cut_at(prev: str, nxt: str, width: int) -> bool:
    """Whether the next line's first word would not have fitted on this line: the export cut it there."""
    first = FIRST_WORD.match(nxt)
    return len(prev) + 1 + len(first.group(0) if first else "") > width


def unwrap(text: str) -> str:
    """Soft line breaks (inside a sentence cut by an export's or a typist's wrapping) turned into spaces.

    Sentences, sections and target rules read a line break as a boundary; on a hard-wrapped note that cuts
    clauses ("... was not\\nperformed") and product names. A break stays when the line ends a sentence or a
    field, or the next line starts a bullet, a numbered item, a checkbox or a ``Label:`` field.
    """
    if "\n" not in text:
        return text
    lines = text.split("\n")
    width = _wrap_width(lines)
    capitals, mixed = _capitalises_lines(lines), _mixed_case(text)
    parts, done = [], 0
    offset = len(lines[0]) + 1  # the first line is the note's title: never joined to what follows
    for line, following in zip(lines[1:], lines[2:]):
        offset += len(line)
        if _soft_break(line.rstrip("\r"), following, width, capitals, mixed):
            cut = offset - 1 if line.endswith("\r") else offset
            parts += [text[done:cut], " " * (offset + 1 - cut)]
            done = offset + 1
        offset += 1
    return "".join(parts + [text[done:]]) if parts else text


SPOKEN = {"period": ".", "full stop": ".", "comma": ",", "colon": ":", "semicolon": ";",
          "new paragraph": "\n", "next paragraph": "\n", "new line": "\n", "next line": "\n"}
SPOKEN_WORDS = "|".join(SPOKEN)
SPOKEN_MARK = re.compile(rf"(?<=\w)(\s+)({SPOKEN_WORDS})\b(?!\s+of\b)", re.IGNORECASE)
#: words before "period"/"colon" that make it the noun ("postoperative period", "sigmoid colon")
NOUN_BEFORE = re.compile(r"\b(?:postoperative|post-operative|perioperative|time|grace|washout|refractory|the|a|this|"
                         r"that|same|study|waiting|trial|observation|recovery|transverse|sigmoid|descending|"
                         r"ascending|menstrual|latent|incubation|follow-up|healing)$", re.IGNORECASE)
MIN_SPOKEN_MARKS = 2
SPOKEN_WORD = re.compile(rf"\b(?:{SPOKEN_WORDS})\b", re.IGNORECASE)


def read_spoken_punctuation(text: str) -> str:
    """Dictated punctuation ("... today period the patient ...", "new paragraph") written as punctuation.

    Only in a note that dictates punctuation at least twice, since "period" and "colon" are also nouns; the
    word is blanked and its mark put where the word ended, and the next word gets a capital so that the
    sentence splitter sees a sentence start.
    """
    if len(SPOKEN_WORD.findall(text)) < MIN_SPOKEN_MARKS:
        return text
    marks = [m for m in SPOKEN_MARK.finditer(text) if not NOUN_BEFORE.search(text, max(0, m.start(1) - 40), m.start(1))]
    if len(marks) < MIN_SPOKEN_MARKS:
        return text
    chars = list(text)
    for m in marks:
        word_start, word_end = m.start(2), m.end(2)
        mark = SPOKEN[" ".join(m.group(2).lower().split())]
        chars[word_start:word_end] = " " * (word_end - word_start)
        if mark == "\n":
            chars[word_start] = "\n"
        else:
            chars[m.start(1)] = mark  # "today period the" -> "today.       The"
            if mark == ".":
                rest = FIRST_WORD.search(text, word_end)
                if rest is not None and text[word_end:rest.start()].strip() == "":
                    chars[rest.start()] = chars[rest.start()].upper()
    return "".join(chars)


#: the preparation steps, by name, in the order they run (an ablation may skip one: ``cptscan.ablation``)
STEPS = (("markup", neutralise_markup), ("unwrap", unwrap), ("spoken_punctuation", read_spoken_punctuation))


def prepare(text: str, skip: frozenset[str] = frozenset()) -> str:
    """The text the pipeline reads: markup blanked, soft line breaks joined, dictated punctuation read
    (the ``STEPS`` not named in ``skip``).

    Same length as ``text``, character for character, so every offset found in it is an offset into the
    note as sent.
    """
    for name, step in STEPS:
        if name not in skip:
            text = step(text)
    return text
