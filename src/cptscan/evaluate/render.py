"""Re-render notes as other systems write them, to measure whether meaning depends on layout and noise.

A note's meaning does not change when an export hard-wraps it at 64 columns, when it is dictated to a speech
recogniser, or when it is printed, faxed and read back by OCR, so its codes should not change either.

* ``wrap64``/``wrap48`` only turn spaces into line breaks: every character keeps its offset, so gold spans
  stay valid and a corpus is scored re-rendered whole (``cptscan evaluate --render wrap64``).
* ``dictation`` and ``ocr`` add the noise of those channels (rates in ``noise.json``, stated in
  docs/evaluation.md). They change the text's length, so gold spans no longer point at the right characters:
  only the note-level figures are scored with them. Each is seeded from the note id and a fixed seed, so a
  note is rendered the same way every time, whatever the order or the process.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterable, Iterator


def wrap(text: str, width: int = 64) -> str:
    """Lines longer than ``width`` broken at their last space before the column (or the first after it, for
    a longer word); the result has the same length as ``text``."""
    return "\n".join("\n".join(_wrap_line(line, width)) for line in text.split("\n"))


def _wrap_line(line: str, width: int, hyphen_at: Callable[[str, int], int] = lambda word, room: 0) -> list[str]:
    """``line`` cut into pieces of at most ``width`` columns where it can be; ``hyphen_at(word, room)`` says how
    many letters of the word crossing the column stay before a hyphen (0: the word moves down whole)."""
    pieces = []
    while len(line) > width:
        cut = line.rfind(" ", 1, width + 1)
        if cut > 0:
            at = hyphen_at(line[cut + 1:].split(" ", 1)[0], width - cut - 2)
            if at:
                pieces.append(line[:cut + 1 + at] + "-")
                line = line[cut + 1 + at:]
                continue
        else:
            cut = line.find(" ", width + 1)
        if cut <= 0:
            break
        pieces.append(line[:cut])
        line = line[cut + 1:]
    return pieces + [line]


@lru_cache(maxsize=1)
def noise_settings() -> dict[str, Any]:
    """The rates and vocabulary of the noisy renderers (``noise.json``)."""
    return json.loads(resources.files(__package__).joinpath("noise.json").read_text(encoding="utf-8"))


def seeded(note_id: str, name: str) -> random.Random:
    """The random source of one note under one renderer: the same for a note id wherever it is rendered."""
    return random.Random(f"{noise_settings()['seed']}:{name}:{note_id}")


# -- dictation ---------------------------------------------------------------------------------------------------
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
NUMBER = re.compile(r"(?<![\w/.:,-])(\d{1,2})(?:\.(\d))?(?![\w/:%-]|[.,]\d)")
COMPOUND_NAME = re.compile(r"\b[A-Za-z]{2,}(?:-[A-Za-z]{2,})+\b|\b[A-Z]?[a-z]{2,}(?:[A-Z][a-z]{2,})+\b")
CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z])")
SENTENCE_MARK = re.compile(r"([.:;,])(?=\s|$)")
BREAKS = re.compile(r"[ \t]*\n(?:[ \t]*\n)*[ \t]*")


def _number_words(value: int) -> str:
    words = noise_settings()["dictation"]
    if value < 20:
        return words["ones"][value]
    tens, ones = divmod(value, 10)
    return words["tens"][tens] + (f" {words['ones'][ones]}" if ones else "")


def dictate(text: str, note_id: str = "") -> str:
    """The note as a speech recogniser writes a dictation of it.

    Every sentence mark (. , : ; before a space or the end) is spoken ("period", "comma", ...), every line
    break is spoken ("new line", "new paragraph" for a blank line); in a share of cases an upper-case
    abbreviation is spelled out letter by letter ("C T A"), a number below 100 is said in words
    ("thirteen point four") and a compound product name is heard as plain words ("HeartFlow" -> "heart
    flow", "X-Word" -> "x word").
    """
    rng, rates = seeded(note_id, "dictation"), noise_settings()["dictation"]

    def number(m: re.Match) -> str:
        if rng.random() >= rates["number_share"]:
            return m.group(0)
        said = _number_words(int(m.group(1)))
        return said + (f" point {_number_words(int(m.group(2)))}" if m.group(2) else "")

    def name(m: re.Match) -> str:
        if rng.random() >= rates["split_name_share"]:
            return m.group(0)
        name = m.group(0)
        parts = name.split("-") if "-" in name else CAMEL_CUT.split(name)
        return " ".join(part.lower() for part in parts)

    def spell(m: re.Match) -> str:
        return " ".join(m.group(0)) if rng.random() < rates["spelled_share"] else m.group(0)

    text = NUMBER.sub(number, text)
    text = COMPOUND_NAME.sub(name, text)
    text = ACRONYM.sub(spell, text)
    marks = rates["spoken_marks"]
    text = SENTENCE_MARK.sub(lambda m: f" {marks[m.group(1)]}", text)
    return BREAKS.sub(lambda m: f" {rates['paragraph'] if m.group(0).count(chr(10)) > 1 else rates['line']} ",
                      text).strip()


# -- OCR of a faxed print-out ------------------------------------------------------------------------------------
WORD = re.compile(r"[A-Za-z]+")


def _hyphenation(rng: random.Random, rates: dict[str, Any]) -> Callable[[str, int], int]:
    """Where a print-out hyphenates the word crossing the column: a word of letters long enough to leave three
    letters on each side, in a share of cases."""
    def hyphen_at(word: str, room: int) -> int:
        if not WORD.fullmatch(word) or len(word) < rates["hyphenate_min_letters"] or room < 3:
            return 0
        return min(room, len(word) - 3) if rng.random() < rates["hyphenate_share"] else 0
    return hyphen_at


def _confuse(line: str, rng: random.Random, rates: dict[str, Any]) -> str:
    """Characters read as their look-alikes (l/1/I, O/0, m/rn) at the confusion rate, and stray spaces inside
    long words."""
    confusions, out, i = rates["confusions"], [], 0
    while i < len(line):
        pair = line[i:i + 2]
        if pair in confusions and rng.random() < rates["confusion_rate"]:
            out.append(rng.choice(confusions[pair]))
            i += 2
            continue
        ch = line[i]
        out.append(rng.choice(confusions[ch]) if ch in confusions and rng.random() < rates["confusion_rate"] else ch)
        i += 1
    line = "".join(out)

    def stray(m: re.Match) -> str:
        word = m.group(0)
        if len(word) < rates["stray_space_min_letters"] or rng.random() >= rates["stray_space_rate"]:
            return word
        at = rng.randint(2, len(word) - 2)
        return word[:at] + " " + word[at:]

    return WORD.sub(stray, line)


def _page_block(rng: random.Random, page: int, pages: int, rates: dict[str, Any]) -> list[str]:
    fields = {"page": page, "pages": pages, "date": f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2026",
              "time": f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}", "fax": f"555-01{rng.randint(0, 99):02d}"}
    return [line.format(**fields) for line in rng.choice(rates["page_blocks"])]


def ocr(text: str, note_id: str = "") -> str:
    """The note as OCR reads a faxed print-out of it.

    The print-out is wrapped at 64 columns with a long word crossing the column hyphenated in half the cases;
    OCR confuses about 1 in 40 of the characters that have a look-alike (l, I, 1, O, o, 0, m, rn) and puts a
    stray space inside 1 in 50 words of six letters or more; every 25 to 35 lines a page footer or fax
    banner ("Page 2 of 3", "03/14/2026 10:42 FAX ... P.002/003") stands between two lines, mid-sentence or
    not. The banners themselves are read without confusions.
    """
    rng, rates = seeded(note_id, "ocr"), noise_settings()["ocr"]
    hyphen_at = _hyphenation(rng, rates)
    lines = [piece for line in text.split("\n") for piece in _wrap_line(line, rates["width"], hyphen_at)]
    lines = [_confuse(line, rng, rates) for line in lines]
    low, high = rates["page_lines"]
    pages = max(1, -(-len(lines) // ((low + high) // 2)))
    out, page, next_break = [], 1, rng.randint(low, high)
    for n, line in enumerate(lines, 1):
        out.append(line)
        if n == next_break and n < len(lines):
            out += _page_block(rng, page, pages, rates)
            page, next_break = page + 1, n + rng.randint(low, high)
    return "\n".join(out)


# -- the registry --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Renderer:
    """How a renderer writes a note's text (given its note id, for the seed), and whether every character keeps
    its offset (only then are gold spans scored)."""

    render: Callable[[str, str], str]
    keeps_offsets: bool


RENDERERS: dict[str, Renderer] = {
    "wrap64": Renderer(lambda text, _id: wrap(text, 64), keeps_offsets=True),
    "wrap48": Renderer(lambda text, _id: wrap(text, 48), keeps_offsets=True),
    "dictation": Renderer(dictate, keeps_offsets=False),
    "ocr": Renderer(ocr, keeps_offsets=False),
}


def render_notes(notes: Iterable[dict], name: str) -> Iterator[dict]:
    """``notes`` with their text re-rendered by the renderer called ``name`` (see ``RENDERERS``)."""
    render = RENDERERS[name].render
    for note in notes:
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            note = {**note, "text": render(note["text"], str(note.get("note_id", "")))}
        yield note
