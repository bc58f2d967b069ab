"""Text that is usable but unusual: markup neutralised with offsets kept, binary data recognised.

Evidence offsets must point into the text the user sent, so markup is blanked out character for character
(tags and RTF control words become spaces of the same length) rather than stripped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

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

#: a bullet, a tick box or a 'Label:' field starting a line; a label holds no sentence end ('mm3). Interpretation:'
#: is a sentence cut by a wrap, then a heading)
BULLET_OR_FIELD = re.compile(r"(?:[-*\u2022\u00b7+>#]|\d{1,2}[.)]\s|[A-Za-z][.)]\s|\[[ xX]?\]|\(\s?[xX ]?\s?\)|"
                             r"[A-Z](?:[\w /&#'+-]|\.(?!\s+[A-Z])|\([^()\n]{0,40}\)){0,40}:(?:\s|$))")
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
#: and at least this many lines end there: a short note wrapped into two full lines and a rest is wrapped too
MIN_WRAPPED_LINES = 2
MIN_WRAP_WIDTH, MAX_WRAP_WIDTH = 30, 132


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped export was cut at, or None when the lines do not look cut at one width."""
    lengths = [len(line.rstrip()) for line in lines if len(line.strip()) > 20]
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = max(lengths)
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    near = sum(1 for n in lengths if n >= width - WRAP_SLACK)
    return width if near >= MIN_WRAPPED_LINES and near >= WRAPPED_SHARE * len(lengths) else None


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
          "new paragraph": "\n\n", "next paragraph": "\n\n", "new line": "\n", "next line": "\n"}
SPOKEN_WORDS = "|".join(SPOKEN)
SPOKEN_MARK = re.compile(rf"(?<=\S)(\s+)({SPOKEN_WORDS})\b(?!\s+of\b)", re.IGNORECASE)
#: the spoken marks that are also nouns, and so are read as marks only where no noun reading fits
NOUN_MARKS = frozenset({"period", "colon"})
NEXT_WORD_CAPITAL = re.compile(r"\s+[A-Z]")
#: words before "period"/"colon" that make it the noun ("postoperative period", "sigmoid colon")
NOUN_BEFORE = re.compile(r"\b(?:postoperative|post-operative|perioperative|time|grace|washout|refractory|the|a|this|"
                         r"that|same|study|waiting|trial|observation|recovery|transverse|sigmoid|descending|"
                         r"ascending|menstrual|latent|incubation|follow-up|healing)$", re.IGNORECASE)
MIN_SPOKEN_MARKS = 2
SPOKEN_WORD = re.compile(rf"\b(?:{SPOKEN_WORDS})\b", re.IGNORECASE)


def _a_noun_here(text: str, mark: re.Match) -> bool:
    """Whether a spoken "period" or "colon" is the noun ("the postoperative period was", "sigmoid colon"): after a
    word that takes that noun, unless a capital follows (no sentence goes on "... that time period No ...")."""
    if mark.group(2).lower() not in NOUN_MARKS or NEXT_WORD_CAPITAL.match(text, mark.end(2)):
        return False
    return NOUN_BEFORE.search(text, max(0, mark.start(1) - 40), mark.start(1)) is not None


def read_spoken_punctuation(text: str) -> str:
    """Dictated punctuation ("... today period the patient ...", "new paragraph") written as punctuation.

    Only in a note that dictates punctuation at least twice, since "period" and "colon" are also nouns; the
    word is blanked and its mark put where the word ended, and the next word gets a capital so that the
    sentence splitter sees a sentence start.
    """
    if not _dictated(text):
        return text
    marks = [m for m in SPOKEN_MARK.finditer(text) if not _a_noun_here(text, m)]
    if len(marks) < MIN_SPOKEN_MARKS:
        return text
    chars = list(text)
    for m in marks:
        word_start, word_end = m.start(2), m.end(2)
        mark = SPOKEN[" ".join(m.group(2).lower().split())]
        chars[word_start:word_end] = " " * (word_end - word_start)
        if mark.startswith("\n"):  # a paragraph is a blank line: sections and paragraphs start there
            chars[word_start:word_start + len(mark)] = mark
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


# -- repairs: OCR'd faxes and speech-recognised dictation ---------------------------------------------------------
# These steps change the text's length (a page footer dropped, "cardi-\nac" joined, "C T A" read as "CTA",
# "perforrned" as "performed"), so they come with a map back to the note as sent: evidence quotes the original.


@dataclass(frozen=True)
class Repaired:
    """Repaired text and the edits that made it: (start, end) in the repaired text -> (start, end) in the
    original, for every stretch that was replaced; the text between edits is unchanged and only shifted."""

    text: str
    edits: tuple[tuple[int, int, int, int], ...] = ()  # new_start, new_end, old_start, old_end; in text order

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` was read from (covering whole edits)."""
        if not self.edits:
            return start, end
        starts = [e[0] for e in self.edits]
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < self.edits[i][1]:
            new_start = self.edits[i][2]
        else:
            new_start = start + (self.edits[i][3] - self.edits[i][1] if i >= 0 else 0)
        j = bisect_left(starts, end) - 1
        if j >= 0 and end <= self.edits[j][1]:
            new_end = self.edits[j][3]
        else:
            new_end = end + (self.edits[j][3] - self.edits[j][1] if j >= 0 else 0)
        return new_start, max(new_end, new_start)


def _apply(repaired: Repaired, replacements: list[tuple[int, int, str]]) -> Repaired:
    """``repaired`` with non-overlapping ``(start, end, new text)`` replacements of its text applied; the new
    edits are composed with the old ones, so the map still leads to the original note."""
    if not replacements:
        return repaired
    text, parts, edits, done, shift = repaired.text, [], [], 0, 0
    for start, end, new in sorted(replacements):
        if start < done:
            continue
        parts += [text[done:start], new]
        old_start, old_end = repaired.original(start, end) if end > start else (repaired.original(start, start + 1)[0],) * 2
        edits.append((start + shift, start + shift + len(new), old_start, old_end))
        shift += len(new) - (end - start)
        done = end
    parts.append(text[done:])
    # stretches the earlier edits replaced and the new ones left alone keep their map, shifted
    kept = []
    for new_start, new_end, old_start, old_end in repaired.edits:
        if any(s <= new_start and new_end <= e and e > s for s, e, _ in replacements):
            continue
        before = sum(len(new) - (e - s) for s, e, new in replacements if e <= new_start and not (s == e == new_start))
        kept.append((new_start + before, new_end + before, old_start, old_end))
    return Repaired("".join(parts), tuple(sorted(kept + edits)))


class Repairs:
    """How one scanner reads noisy notes back: the rule file ``text_repairs.json`` and the rules' own words."""

    def __init__(self, settings: dict[str, Any], words: Iterable[str]) -> None:
        ocr = settings.get("ocr") or {}
        self.folds = [tuple(pair) for pair in ocr.get("folds", [])]
        self.min_letters = ocr.get("min_word_letters", 4)
        self.min_joined = ocr.get("min_joined_letters", 7)
        self.unjoined = frozenset(ocr.get("never_joined", []))
        self.letter_for_digit = ocr.get("letter_for_digit", {})
        misread = "".join(re.escape(c) for c in ocr.get("pronoun_i", {}).get("misread", []))
        # a lone look-alike of the pronoun where a clause starts, before a word in lower case: "l reviewed"
        self.pronoun = re.compile(rf"(?:^|(?<=[.!?;:]))[ \t]*([{misread}])(?= [a-z]{{2,}})", re.MULTILINE) if misread else None
        lines = (settings.get("page_furniture") or {}).get("lines", [])
        self.furniture = re.compile("|".join(f"(?:{p})" for p in lines), re.IGNORECASE) if lines else None
        words = set(words)
        spelled = (settings.get("spelled_out") or {}).get("abbreviations", [])
        # abbreviations: the listed ones and those the rules write in capitals
        self.abbreviations = frozenset(a.upper() for a in spelled) | {w for w in words if w.isupper() and 2 <= len(w) <= 5}
        self.longest_abbreviation = max(map(len, self.abbreviations), default=0)
        words = {w.lower() for w in words}
        self.words = frozenset(words)
        by_fold: dict[str, set[str]] = defaultdict(set)
        for word in words:
            if len(word) >= self.min_letters and WORD_LETTERS.fullmatch(word) and "-" not in word:
                by_fold[self.fold(word)].add(word)
        self.by_fold = _unshared(by_fold)
        self.typos = _typos(words, (settings.get("typos") or {}).get("min_word_letters"))
        self._read_words: dict[str, Optional[str]] = {}
        self._joined_words: dict[str, Optional[str]] = {}

    @classmethod
    def from_rules(cls, rules: Any) -> "Repairs":
        """The repairs of a rule set: its ``text_repairs.json`` and every word its target, ConText and section
        rules match on."""
        words: set[str] = set()
        for rule in [*rules.target["target_rules"], *rules.context.get("context_rules", []),
                     *rules.negation.get("context_rules", [])]:
            words.update(rule.get("literal", "").split())
            _pattern_words(rule.get("pattern"), words)
        for spec in rules.sections.get("sections", {}).values():
            for title in spec.get("titles", []):
                words.update(title.split())
        return cls(rules.repairs, words)

    def fold(self, word: str) -> str:
        """The word as OCR could have read it: every look-alike written one way."""
        word = word.lower()
        for a, b in self.folds:
            word = word.replace(a, b)
        return word

    def __call__(self, text: str) -> Repaired:
        """``text`` read back: page furniture dropped, line-end hyphens joined, spelled-out letters joined, OCR
        look-alikes and stray spaces repaired into the rules' words, the pronoun I read back."""
        repaired = Repaired(text)
        for step in (self._furniture, self._hyphens, self._spelled, self._look_alikes, self._pronoun_i, self._split_words):
            repaired = _apply(repaired, step(repaired.text))
        return repaired

    def _furniture(self, text: str) -> list[tuple[int, int, str]]:
        """Footer, header and fax-banner lines (with their line break) dropped."""
        if self.furniture is None:
            return []
        out, at = [], 0
        for line in text.split("\n"):
            end = at + len(line)
            if line.strip() and self.furniture.fullmatch(line.rstrip("\r")):
                out.append((at, min(end + 1, len(text)), ""))
            at = end + 1
        return out

    def _hyphens(self, text: str) -> list[tuple[int, int, str]]:
        """A word hyphenated at a line end joined: without the hyphen when it goes on in lower case (unless the
        rules know the hyphenated word), with it before a capital ('CaRi-\\nHeart')."""
        if not LINE_END_DASH.search(text):
            return []
        out = []
        for m in LINE_END_HYPHEN.finditer(text):
            head, tail = m.group(1), m.group(2)
            keep = tail[0].isupper() or f"{head}-{tail}".lower() in self.words
            out.append((m.end(1), m.start(2), "-" if keep else ""))
        return out

    def _spelled(self, text: str) -> list[tuple[int, int, str]]:
        """Runs of single capitals ('C T A', 'A I') joined where their letters make known abbreviations."""
        out = []
        for m in SPELLED_RUN.finditer(text):
            letters = [(x.start(), x.group()) for x in CAPITAL.finditer(m.group())]
            i = 0
            while i < len(letters):
                for size in range(min(self.longest_abbreviation, len(letters) - i), 1, -1):
                    word = "".join(ch for _, ch in letters[i:i + size])
                    if word in self.abbreviations:
                        start, end = m.start() + letters[i][0], m.start() + letters[i + size - 1][0] + 1
                        out.append((start, end, word))
                        i += size
                        break
                else:
                    i += 1
        return out

    def _look_alikes(self, text: str) -> list[tuple[int, int, str]]:
        """Words with OCR look-alikes read as the rule word they fold to; a digit between letters read as the
        letter it resembles."""
        out = []
        for m in NOISY_WORD.finditer(text):
            word = m.group()
            repaired = _remembered(self._read_words, word, self._read_word)
            if repaired is not None:
                out.append((m.start(), m.end(), repaired))
        return out

    def _pronoun_i(self, text: str) -> list[tuple[int, int, str]]:
        """The pronoun I read as 'l' (or '|') at a clause start, where no other one-letter word stands."""
        return [] if self.pronoun is None else [(m.start(1), m.end(1), "I") for m in self.pronoun.finditer(text)]

    def _read_word(self, word: str) -> Optional[str]:
        """The word a look-alike misreading (or a typing slip in a long word) stands for, or None."""
        typo = self.typos.get(word.lower())
        if typo is not None:
            return _same_case(typo, word)
        if OTHER_DIGIT.search(word) or not MISREAD.search(word):
            return None  # 'S1S2' and 'T2N0' are not misreadings, nor is a word without a look-alike ('falls')
        if word.lower() in self.words:
            return _same_case(word.lower(), word) if CAPITAL_I_INSIDE.search(word) else None  # 'interpretatIon'
        known = self.by_fold.get(self.fold(word)) if len(word) >= self.min_letters else None
        if known is not None and known != word.lower():
            return _same_case(known, word)
        if DIGIT_INSIDE.search(word):
            return DIGIT_INSIDE.sub(lambda d: self._letter(d, word), word)
        if CAPITAL_I_INSIDE.search(word):
            return CAPITAL_I_INSIDE.sub("l", word)
        return None

    def _letter(self, digit: re.Match, word: str) -> str:
        lower, upper = self.letter_for_digit.get(digit.group(), (digit.group(), digit.group()))
        return upper if word.upper() == word else lower

    def _split_words(self, text: str) -> list[tuple[int, int, str]]:
        """Two words the rules know as one ('pl aque', 'heart flow') joined; when both halves are words of the
        rules too, only into a long word, and never with a word that also stands alone before or after another
        ('in correct', 'to days', 'under went')."""
        out, words = [], list(WORD_RUN.finditer(text))
        for a, b in zip(words, words[1:]):
            first, second = a.group(), b.group()
            joined = first + second
            if (text[a.end():b.start()] not in (" ", "\t") or len(joined) < self.min_joined
                    or first.lower() in self.unjoined or second.lower() in self.unjoined
                    or (first.lower() in self.words and second.lower() in self.words and len(joined) < 8)):
                continue
            known = _remembered(self._joined_words, joined, lambda w: self.by_fold.get(self.fold(w)))
            if known is not None and (not out or out[-1][1] <= a.start()):
                out.append((a.start(), b.end(), _same_case(known, joined)))
        return out


LINE_END_DASH = re.compile(r"-[ \t]*\r?\n")


def _dictated(text: str) -> bool:
    """Whether the note dictates its punctuation (a cheap look for the words first: most notes have none)."""
    lower = text.lower()
    if not any(mark in lower for mark in SPOKEN):
        return False
    return len(SPOKEN_WORD.findall(text)) >= MIN_SPOKEN_MARKS


_UNSEEN = object()
#: words a Repairs remembers having read (each of its two caches); past this it starts again
MAX_REMEMBERED_WORDS = 200_000


def _remembered(cache: dict[str, Optional[str]], word: str, read: Callable[[str], Optional[str]]) -> Optional[str]:
    """``read(word)``, worked out once per word (notes repeat their words) in a cache of bounded size."""
    found = cache.get(word, _UNSEEN)
    if found is _UNSEEN:
        if len(cache) >= MAX_REMEMBERED_WORDS:
            cache.clear()
        found = cache[word] = read(word)
    return found


def _unshared(readings: dict[str, set[str]]) -> dict[str, str]:
    """Each key mapped to its one word; a key two words share restores neither."""
    return {key: next(iter(words)) for key, words in readings.items() if len(words) == 1}
WORD_LETTERS = re.compile(r"[a-z][a-z'-]*[a-z]")
LINE_END_HYPHEN = re.compile(r"([A-Za-z]{2,})-[ \t]*\r?\n[ \t]*([A-Za-z]{2,})")
SPELLED_RUN = re.compile(r"(?<![\w.])[A-Z](?:[ \t][A-Z](?![\w.]))+")
CAPITAL = re.compile(r"[A-Z]")
NOISY_WORD = re.compile(r"[A-Za-z0-9|]*[A-Za-z][A-Za-z0-9|]*")
DIGIT_INSIDE = re.compile(r"(?<=[A-Za-z]{2})[01|](?=[A-Za-z]{2})")  # 'pr0cessed', not 'HbA1c'
OTHER_DIGIT = re.compile(r"[2-9]")
#: what OCR misreads: a digit or bar for a letter, 'rn' for 'm' and back, a capital I inside a lower-case word
MISREAD = re.compile(r"[01|]|rn|m|(?<=[a-z])I|I(?=[a-z])")
CAPITAL_I_INSIDE = re.compile(r"(?<=[a-z]{2})I(?=[a-z])|(?<=[a-z]{2})I\b")  # 'interpretatIon', not 'McIvor'

WORD_RUN = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?![\w-])")


def typing_slips(word: str) -> set[str]:
    """``word`` with two neighbouring letters swapped or a letter inside it left out (not the first or the last:
    'medication' is not a slip of 'medications')."""
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1) if word[i] != word[i + 1]}
    return swapped | {word[:i] + word[i + 1:] for i in range(1, len(word) - 1)}


def _typos(words: Iterable[str], min_letters: Optional[int]) -> dict[str, str]:
    """Each typing slip of a long rule word, mapped to it; a slip that is a rule word or two rule words share is
    left out."""
    if not min_letters:
        return {}
    words = set(words)
    by_slip: dict[str, set[str]] = defaultdict(set)
    for word in words:
        if len(word) >= min_letters and WORD_LETTERS.fullmatch(word) and "-" not in word and "'" not in word:
            for slip in typing_slips(word):
                by_slip[slip].add(word)
    return {slip: word for slip, word in _unshared(by_slip).items() if slip not in words}


def _same_case(word: str, like: str) -> str:
    """``word`` written in the case of ``like``: all capitals, a capital first, or as the rules write it."""
    letters = [ch for ch in like if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _pattern_words(pattern: Any, words: set[str]) -> None:
    """The literal words a matcher pattern accepts (LOWER/TEXT/ORTH values and their IN lists)."""
    if isinstance(pattern, list):
        for item in pattern:
            _pattern_words(item, words)
    elif isinstance(pattern, dict):
        for key, value in pattern.items():
            if key in ("LOWER", "TEXT", "ORTH", "NORM", "IN"):
                if isinstance(value, str):
                    words.add(value)
                elif isinstance(value, list):
                    words.update(v for v in value if isinstance(v, str))
                else:
                    _pattern_words(value, words)
